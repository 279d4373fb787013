/**
 * The frame every Kubernetes lab runs in (ScenarioLab, scenario.ts): one trace (root span `scenario
 * <name>`, baggage naming the scenario and the run, so the fleet servers' SERVER spans and
 * stream ends carry it too and report to the run), an action log on the run's cause time, a world torn down in reverse order of
 * building, and a result like any scenario's: the first end each side recorded (or the ones
 * the lab names) judged against the scenario's expectation, plus the lab's own findings and
 * mismatches.
 */
import { context, trace, ROOT_CONTEXT, SpanStatusCode } from '@opentelemetry/api';
import type { Context } from '@opentelemetry/api';
import { nowMs } from '../../core/clock.ts';
import type { LifecycleEvent, StreamEnd } from '../../telemetry/lifecycle-event.ts';
import * as sc from '../../telemetry/semconv.ts';
import { createActionLog } from '../run-action.ts';
import type { RunActionKind } from '../run-action.ts';
import type { ScenarioResult } from '../scenario.ts';
import type { LabDeps } from '../scenario.ts';
import { describeExpected } from '../scenario.ts';
import type { Scenario } from '../scenario.ts';
import { judge } from '../verdict.ts';

/** How long the result waits for a side's first end after the lab's body, ms. */
const END_WAIT_MS = 5_000;

/** What a lab's body works with. */
export interface LabContext {
  readonly scenario: Scenario;
  readonly deps: LabDeps;
  /** The run's context: the root span and the scenario's baggage. Open calls inside it. */
  readonly runContext: Context;
  /** Records a runner action on the timeline's cause row; the first one is the cause. */
  act(kind: RunActionKind, atMs: number, label: string): void;
  /** A line of what the run showed (the report prints them under the table). */
  finding(line: string): void;
  /** A way the run differs from what the lesson says; the verdict is then MISMATCH. */
  mismatch(line: string): void;
  /** Registers a teardown step; steps run last registered first, after the body. */
  defer(step: () => Promise<void> | void): void;
  /** Registers a step that ends the lab's streams (subscribers' stop), run before the ends are read. */
  deferStop(step: () => Promise<void> | void): void;
  /** Marks time zero of the timeline: the world is built, the lesson starts now. */
  begin(): void;
  /** Runs `work` outside the scenario (no baggage, no parent span): warm-ups, set-up calls. */
  outside<T>(work: () => T): T;
}

/** The ends the lab picks for the table, when not the first recorded ones. */
export interface LabEnds {
  client?: StreamEnd;
  server?: StreamEnd;
}

/**
 * The events of the two streams the result shows (a lab runs many; its findings tell about the
 * rest), for the timeline and the sequence diagram. A side whose process forwards ends only (a
 * fleet server, the lab's subscriber process) gets its open and end from its end record.
 */
function representativeEvents(all: readonly LifecycleEvent[], ends: ReadonlyArray<StreamEnd | undefined>): LifecycleEvent[] {
  const events: LifecycleEvent[] = [];
  for (const end of ends) {
    if (!end) continue;
    const own = all.filter((event) => event.side === end.side && event.streamId === end.streamId);
    const base = { side: end.side, streamId: end.streamId, scenario: end.scenario };
    if (!own.some((event) => event.phase === 'stream.open')) events.push({ ...base, phase: 'stream.open', atMs: end.openedAtMs });
    events.push(...own);
    if (!own.some((event) => event.phase === 'stream.end')) events.push({ ...base, phase: 'stream.end', atMs: end.endedAtMs, detail: end.endCause });
  }
  return events.sort((a, b) => a.atMs - b.atMs);
}

/** Runs `step`s one after another, last first, swallowing their errors into `errors`. */
async function unwind(steps: Array<() => Promise<void> | void>, errors: string[]): Promise<void> {
  for (const step of steps.reverse()) {
    try {
      await step();
    } catch (error) {
      errors.push(`teardown failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}

/**
 * Runs a lab: builds the frame, runs `body`, stops its streams, reads the ends and judges.
 * @throws whatever `body` throws while setting up its world (after tearing it down)
 */
export async function runLab(deps: LabDeps, scenario: Scenario, body: (lab: LabContext) => Promise<LabEnds | void>): Promise<ScenarioResult> {
  const { telemetry, run } = deps;
  let startedAtMs = nowMs();
  const root = telemetry.tracer.startSpan(sc.scenarioSpanName(scenario.name), {
    root: true,
    attributes: {
      [sc.ATTR_SCENARIO]: scenario.name,
      [sc.ATTR_EXPECTED_CLIENT_END_CAUSE]: describeExpected(scenario.expect.client),
      [sc.ATTR_EXPECTED_SERVER_END_CAUSE]: describeExpected(scenario.expect.server),
      [sc.ATTR_RPC_KIND]: scenario.rpc,
    },
  }, ROOT_CONTEXT);
  const runContext = trace.setSpan(run.context(), root);
  const log = createActionLog(run);
  const findings: string[] = [];
  const mismatches: string[] = [];
  const teardown: Array<() => Promise<void> | void> = [];
  const stops: Array<() => Promise<void> | void> = [];
  const lab: LabContext = {
    scenario, deps, runContext,
    act: (kind, atMs, label) => log.act(kind, atMs, label),
    finding: (line) => void findings.push(line),
    mismatch: (line) => void mismatches.push(line),
    defer: (step) => void teardown.push(step),
    deferStop: (step) => void stops.push(step),
    begin: () => void (startedAtMs = nowMs()),
    outside: (work) => context.with(ROOT_CONTEXT, work),
  };
  try {
    let picked: LabEnds | void;
    try {
      picked = await context.with(runContext, () => body(lab));
    } finally {
      await unwind(stops, mismatches);
    }
    const client = picked?.client ?? await run.nextEnd('client', END_WAIT_MS);
    const server = picked?.server ?? await run.nextEnd('server', END_WAIT_MS);
    mismatches.unshift(...judge(scenario, scenario.expect, { client, server, serverObserved: true, backpressureWaits: 0 }, {
      keepalive: { timeMs: 0, timeoutMs: 0 }, endTimeoutMs: END_WAIT_MS,
    }));
    const ok = mismatches.length === 0;
    root.setAttribute(sc.ATTR_VERDICT, ok ? 'ok' : 'mismatch');
    if (!ok) root.setStatus({ code: SpanStatusCode.ERROR, message: mismatches.join('; ') });
    telemetry.metrics.scenarioRuns.inc({ scenario: scenario.name, verdict: ok ? 'ok' : 'mismatch' });
    telemetry.metrics.scenarioLastRun.set({ scenario: scenario.name }, Date.now() / 1000);
    return {
      scenario, traceId: root.isRecording() ? root.spanContext().traceId : '', ok, mismatches,
      ...(client ? { client } : {}),
      ...(server ? { server } : {}),
      ...(log.cause.settled ? { causeAtMs: await log.cause.promise } : {}),
      actions: [...log.actions].sort((a, b) => a.atMs - b.atMs),
      startedAtMs,
      events: representativeEvents(run.events(), [client, server]),
      findings,
    };
  } finally {
    root.end();
    await unwind(teardown, []);
  }
}
