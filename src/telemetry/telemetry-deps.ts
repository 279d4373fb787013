/**
 * What every observed server and client takes: the telemetry services (where spans,
 * metrics, logs and lifecycle records go) and the options of call recording.
 */
import type { Span, Tracer } from '@opentelemetry/api';
import type { LifecycleObserver, StockSpanFacts } from './lifecycle-event.ts';
import type { Logger } from './logger.ts';
import type { Metrics } from './metrics.ts';
import type { RunDirectory } from './run-scope.ts';

/**
 * Who creates the RPC spans (design §4):
 * - `streamlab` (default): streamlab's interceptors start and end the CLIENT and SERVER
 *   span of every call, per the OTel RPC semantic conventions;
 * - `contrib`: @opentelemetry/instrumentation-grpc creates them and streamlab decorates
 *   them (and ends the ones it never ends), to compare the two on the same ending.
 * Chosen once per process by src/instrumentation.ts (`STREAMLAB_RPC_SPANS`, `--rpc-spans`).
 */
export type RpcSpanMode = 'streamlab' | 'contrib';

/** The span modes, for flags and errors. */
export const RPC_SPAN_MODES: readonly RpcSpanMode[] = ['streamlab', 'contrib'];

/**
 * Span mode `contrib`: the stock instrumentation's RPC spans as they start and end, from
 * the process's span pipeline (src/instrumentation.ts, the only file that touches the SDK).
 */
export interface StockSpanHooks {
  /** Calls `listener` with every CLIENT or SERVER span the stock gRPC instrumentation starts; returns the way to stop. */
  onStart(listener: (span: Span, kind: 'client' | 'server') => void): () => void;
  /**
   * Calls `listener` with every such span as it ends (its attributes can still be set),
   * and what the stock instrumentation recorded on it.
   */
  onEnding(listener: (span: Span, facts: Omit<StockSpanFacts, 'endedBy'>) => void): () => void;
}

/** The span side of the process's pipeline the observation layer needs. */
export interface RpcSpanPipeline {
  readonly rpcSpans: RpcSpanMode;
  /** Present in span mode `contrib`. */
  readonly stockSpans?: StockSpanHooks;
}

/** Where the telemetry of calls goes; built once per process (or per test). */
export interface TelemetryServices {
  metrics: Metrics;
  logger: Logger;
  /** Tracer of streamlab's own spans (RPC spans in mode `streamlab`, backpressure.wait, stream.segment). */
  tracer: Tracer;
  /** Receives the lifecycle records of every call (tests, benchmarks); a run's calls also go to their run. */
  observer?: LifecycleObserver;
  /** The scenario runs a call may belong to (baggage `streamlab.run`). */
  runs?: RunDirectory;
  /** The span mode and, in mode `contrib`, the stock span hooks. Default: mode `streamlab`. */
  pipeline?: RpcSpanPipeline;
}

/** How calls are recorded; every field has a default. */
export interface CallRecordingOptions {
  /** Message events per direction per RPC span at most; counts stay exact. Default 100. */
  messageEventCap?: number;
  /**
   * A `stream.segment` span closes about every this many ms: one shared clock ticks every
   * interval and closes each open segment at least half an interval old, so a segment lasts
   * from half an interval to one and a half. Default 30,000.
   */
  segmentIntervalMs?: number;
  /** ... or every this many messages, both directions counted, whichever comes first. Default 1,000. */
  segmentMessages?: number;
  /**
   * Scenario names that may become the `scenario` label value, besides `none` and those of
   * the open runs; any other baggage value is labelled `other` (labels never come unbounded
   * from the wire; design §4). The span keeps the raw value, truncated. Default: none.
   */
  scenarioLabels?: Iterable<string>;
}

/** The defaults of {@link CallRecordingOptions}. */
export const CALL_RECORDING_DEFAULTS = { messageEventCap: 100, segmentIntervalMs: 30_000, segmentMessages: 1_000 } as const;

/** Telemetry services plus the recording options: what createServer and the clients take. */
export interface TelemetryDeps extends TelemetryServices {
  readonly recording: CallRecordingOptions;
}
