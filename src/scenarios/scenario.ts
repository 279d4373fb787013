/**
 * What a scenario is: data (design §3). The RPC kind, what the client does, what the
 * network does, what the server *process* does (scenario-plans.ts), how each side is expected
 * to see the call end — a set where the kernel or the event loop decides, with the reason —
 * and its lesson. Each catalogue scenario is one module of src/scenarios/catalogue/.
 *
 * Here too: what a run of a scenario shows (`ScenarioResult`), and the lab a scenario may
 * bring to build and run its own world instead of the runner's one call (`ScenarioLab`: the
 * Kubernetes lessons, src/scenarios/k8s/): the runner hands it the run's telemetry and takes
 * back the same result as any scenario's, so the table, `--json`, the HTML report and the
 * lesson treat it like the others; what it showed beyond the two sides' ends goes in `findings`.
 */
import type { EndCause } from '../core/end-cause.ts';
import type { RpcKind } from '../core/method-info.ts';
import type { LifecycleEvent, StreamEnd } from '../telemetry/lifecycle-event.ts';
import type { SpanRecord } from '../telemetry/span-record.ts';
import type { TelemetryDeps } from '../telemetry/telemetry-deps.ts';
import type { Lesson } from './lesson.ts';
import type { RunAction } from './run-action.ts';
import type { ScenarioRun } from './run-directory.ts';
import type { BusFault, CallPlan, ClientAction, DeliveryPlan, NetworkAction, PeerAttack, ProcessFault } from './scenario-plans.ts';

/**
 * Where the server runs:
 * - `embedded`: the runner's own in-process server, reached through the fault proxy;
 * - `process`: a fresh `streamlab serve` child per run, dialed directly, that gets `fault`;
 * - `absent`: nothing listens on the port the client dials;
 * - `lab`: the scenario builds its own world (several servers, subscribers, a balancer, a DNS
 *   server) and runs it itself ({@link ScenarioLab}): the Kubernetes lessons.
 * - `bus`: a fresh NATS JetStream bus and a `serve --bus` child on it; the client follows a
 *   topic and the bus gets `fault`.
 */
export type ServerPlan = { kind: 'embedded' } | { kind: 'process'; fault: ProcessFault } | { kind: 'absent' } | { kind: 'lab'; lab: ScenarioLab } | { kind: 'bus'; fault: BusFault };

/** One end cause, or the set of those the kernel or the event loop may produce. */
export type ExpectedCause = EndCause | readonly EndCause[];

/**
 * The server side's expectation: an end cause (or set), `gone` (the process was killed
 * and records nothing) or `none` (there is no server).
 */
export type ExpectedServer = ExpectedCause | 'gone' | 'none';

/** Keepalive settings of a run, ms, for bounds that depend on them. */
export interface KeepaliveTimes {
  timeMs: number;
  timeoutMs: number;
}

/** How each side is expected to see the call end. */
export interface Expectation {
  client: ExpectedCause;
  /** gRPC status code the client should receive. */
  clientCode: number;
  server: ExpectedServer;
  /** Why these are the expected ends (one or two sentences, for the report and `scenarios`). */
  why: string;
  /** The client must notice within this many ms of the cause. Undefined: no bound. */
  clientDetectionWithinMs?: (keepalive: KeepaliveTimes) => number;
  /** The server must notice within this many ms of the cause. Undefined: no bound. */
  serverDetectionWithinMs?: (keepalive: KeepaliveTimes) => number;
  /**
   * The client must notice nothing for the run's frozen-wait bound after the cause; the
   * runner then cancels the call itself (so the client then ends client_cancelled).
   */
  clientNoticesNothing?: boolean;
  /** The server must have waited on backpressure (`backpressure.wait`) at least once. */
  backpressure?: boolean;
}

/** One scenario. */
export interface Scenario {
  /** Unique; the name of its module in src/scenarios/catalogue/ after the number (`040-blackhole.ts`). */
  name: string;
  /** One sentence for the report and `streamlab scenarios`. */
  summary: string;
  /** In the core set: what `streamlab run` runs when no scenario is named, and what `--rpc` runs over every RPC kind. */
  core?: boolean;
  /** The RPC kind (and so the method: Notify, Publish, Subscribe, Exchange). */
  rpc: RpcKind;
  /** Data messages of the call (0 = until it ends otherwise). */
  count: number;
  /** Where the server runs. Default embedded. */
  server?: ServerPlan;
  /** How the call is opened. */
  call?: CallPlan;
  /** For bidi: the delivery protocol's simulated loss; the verdict then checks the accounting too. */
  delivery?: DeliveryPlan;
  /** Another peer's attack on the server while the call runs; the verdict then checks the server's answer too. */
  attack?: PeerAttack;
  client: ClientAction;
  network: NetworkAction;
  expect: Expectation;
  /**
   * What differs when the faults come from another backend (by FaultBackend.name), and why.
   * The embedded fault proxy is the reference; a real proxy may pass a close on.
   */
  expectVia?: Record<string, { client?: EndCause; clientCode?: number; server?: EndCause; why: string }>;
  /** What the ending teaches (src/scenarios/lesson.ts): the report, `scenarios --explain` and the tour show it. */
  lesson: Lesson;
}

/** The causes of an expectation as a list. */
export function causesOf(expected: ExpectedCause): readonly EndCause[] {
  return typeof expected === 'string' ? [expected] : expected;
}

/** An expectation for humans: `a`, or `a | b`. */
export function describeExpected(expected: ExpectedServer): string {
  if (expected === 'gone') return 'gone (killed)';
  if (expected === 'none') return 'none (no server)';
  return causesOf(expected).join(' | ');
}

/** The expectation of `scenario` when its faults come from `backend`. */
export function expectationFor(scenario: Scenario, backend: string): Expectation {
  const override = scenario.expectVia?.[backend];
  if (!override) return scenario.expect;
  // The backend's reason replaces the reference's: it explains the expectation that holds there.
  return { ...scenario.expect, ...override };
}

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

/** What one scenario run showed. */
export interface ScenarioResult {
  scenario: Scenario;
  /** Hex trace id of the run's trace; '' when tracing is off. */
  traceId: string;
  ok: boolean;
  /** Why the verdict is not ok, one sentence each. */
  mismatches: string[];
  client?: StreamEnd;
  server?: StreamEnd;
  /** Why the server side has no record, when it cannot have one (killed, absent). */
  serverNote?: string;
  /** Process scenarios: the pid of the child server. */
  serverPid?: number;
  /** For a client that cannot notice: how long the runner waited before ending the lesson, ms. */
  silentForMs?: number;
  /** When the cause of the end happened (the runner's first action), epoch ms. */
  causeAtMs?: number;
  /** What the runner did, in time order. */
  actions: RunAction[];
  startedAtMs: number;
  events: LifecycleEvent[];
  /** Lab scenarios: what the run showed beyond the two sides' ends (spread per backend, …), one line each. */
  findings?: string[];
}
