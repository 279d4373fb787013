/**
 * The telemetry of the calls of one server or one channel: the writers (span, metrics,
 * log, lifecycle record) built once, the recording options, the shared `stream.segment`
 * clock, and the recorders it opens for each call.
 */
import { propagation } from '@opentelemetry/api';
import type { Context, Span } from '@opentelemetry/api';
import { nowMs } from '../core/clock.ts';
import type { MethodInfo } from '../core/method-info.ts';
import { CallRecorder } from './call-recorder.ts';
import type { CallEndListener, CallHub } from './call-recorder.ts';
import type { CallWriter } from './call-writer.ts';
import { LifecycleWriter } from './lifecycle-writer.ts';
import type { Side } from './lifecycle-event.ts';
import { LogWriter } from './log-writer.ts';
import { MetricsWriter } from './metrics-writer.ts';
import type { RunScope } from './run-scope.ts';
import { scenarioOf } from './scenario-label.ts';
import { BAGGAGE_RUN, BAGGAGE_SCENARIO } from './semconv.ts';
import { SpanWriter } from './span-writer.ts';
import { CALL_RECORDING_DEFAULTS } from './telemetry-deps.ts';
import type { RpcSpanMode, TelemetryDeps } from './telemetry-deps.ts';

/** Stream ids are unique per side in the process: `s-N`, `c-N`. */
const nextStreamId = { server: 1, client: 1 };

/** What opening a call's record takes. */
export interface OpenCall {
  side: Side;
  method: MethodInfo;
  span: Span;
  /** The context the call's baggage is read from (the server's extracted one, the client's active one). */
  context: Context;
  connectionId?: string;
  openedAtMs?: number;
}

/** The telemetry of a server's or a channel's calls. */
export class CallTelemetry implements CallHub {
  readonly writers: readonly CallWriter[];
  readonly messageEventCap: number;
  readonly segmentMessages: number;
  /** Who creates the RPC spans. */
  readonly rpcSpans: RpcSpanMode;
  readonly deps: TelemetryDeps;
  readonly #segmentIntervalMs: number;
  readonly #knownScenarios: ReadonlySet<string>;
  readonly #segmented = new Set<CallRecorder>();
  #segmentTimer: NodeJS.Timeout | undefined;

  constructor(deps: TelemetryDeps) {
    this.deps = deps;
    const recording = deps.recording;
    this.messageEventCap = recording.messageEventCap ?? CALL_RECORDING_DEFAULTS.messageEventCap;
    this.segmentMessages = recording.segmentMessages ?? CALL_RECORDING_DEFAULTS.segmentMessages;
    this.#segmentIntervalMs = recording.segmentIntervalMs ?? CALL_RECORDING_DEFAULTS.segmentIntervalMs;
    this.#knownScenarios = new Set(recording.scenarioLabels ?? []);
    this.rpcSpans = deps.pipeline?.rpcSpans ?? 'streamlab';
    // The span writer first: in span mode contrib it may hold the others back one turn (call-recorder.ts end).
    this.writers = [new SpanWriter(deps.tracer, deps.pipeline), new MetricsWriter(deps.metrics), new LogWriter(deps.logger), new LifecycleWriter(deps.observer)];
  }

  /**
   * The scenario run and scenario label of a call whose baggage is in `context`: the run
   * named by `streamlab.run` when this side knows it, the label bounded (scenario-label.ts).
   */
  scenarioOf(context: Context): { run?: RunScope; label: string; raw?: string } {
    const baggage = propagation.getBaggage(context);
    const runId = baggage?.getEntry(BAGGAGE_RUN)?.value;
    const run = runId === undefined ? undefined : this.deps.runs?.get(runId);
    const value = baggage?.getEntry(BAGGAGE_SCENARIO)?.value;
    if (run && value === run.scenario) return { run, label: run.scenario };
    const scenario = scenarioOf(value, this.#knownScenarios);
    return run ? { run, ...scenario } : scenario;
  }

  /** Opens the record of a call; `listener` hears of its final end record. */
  open(call: OpenCall, listener: CallEndListener): CallRecorder {
    const { run, label, raw } = this.scenarioOf(call.context);
    const streamId = call.side === 'server' ? `s-${nextStreamId.server++}` : `c-${nextStreamId.client++}`;
    return new CallRecorder(this, {
      side: call.side, streamId, method: call.method, scenario: label, span: call.span,
      ...(raw !== undefined ? { scenarioRaw: raw } : {}),
      ...(run ? { run } : {}),
      ...(call.connectionId ? { connectionId: call.connectionId } : {}),
    }, listener, call.openedAtMs ?? nowMs());
  }

  watchSegments(call: CallRecorder): void {
    this.#segmented.add(call);
    if (this.#segmentTimer) return;
    this.#segmentTimer = setInterval(() => this.#tick(), this.#segmentIntervalMs);
    this.#segmentTimer.unref();
  }

  unwatchSegments(call: CallRecorder): void {
    this.#segmented.delete(call);
    if (this.#segmented.size === 0 && this.#segmentTimer) {
      clearInterval(this.#segmentTimer);
      this.#segmentTimer = undefined;
    }
  }

  /** One tick of the shared clock: closes every segment at least half an interval old. */
  #tick(): void {
    const now = nowMs();
    const oldest = now - this.#segmentIntervalMs / 2;
    for (const call of this.#segmented) if (call.segmentStartMs <= oldest) call.closeSegment(now);
  }
}
