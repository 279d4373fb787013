/**
 * A scenario that builds and runs its own world instead of the runner's one call through one
 * path: several servers, subscribers, an L4 balancer, a DNS server (the Kubernetes lessons,
 * src/scenarios/k8s/). The runner hands it the run's telemetry and takes back the same
 * result as any scenario's, so the table, `--json`, the HTML report and the lesson treat it
 * like the others; what it showed beyond the two sides' ends goes in `findings`.
 */
import type { TelemetryDeps } from '../telemetry/telemetry-deps.ts';
import type { SpanRecord } from '../telemetry/span-record.ts';
import type { ScenarioRun } from './run-directory.ts';
import type { ScenarioResult } from './runner.ts';
import type { Scenario } from './scenario.ts';

/** What a lab gets from the runner. */
export interface LabDeps {
  /** The telemetry of the lab's in-process clients (its `runs` holds `run`). */
  telemetry: TelemetryDeps;
  /** The run: its baggage names it; the lab's in-process clients and its child servers report to it, and its cause time is marked on it. */
  run: ScenarioRun;
  /** Receives the child servers' spans (the process's span pipeline). */
  importSpans(spans: readonly SpanRecord[]): void;
}

/** A lab scenario's world and how to run it. */
export interface ScenarioLab {
  /** What causes the end, in a few words (`streamlab scenarios`' cause column). */
  cause: string;
  /** The middle lane of the sequence diagram, e.g. `network (L4 balancer)`. */
  lane: string;
  /**
   * Runs the lab once. Never rejects for a mismatch (it is in the result).
   * @throws Error when its world cannot be set up (a server that does not start)
   */
  run(deps: LabDeps, scenario: Scenario): Promise<ScenarioResult>;
}
