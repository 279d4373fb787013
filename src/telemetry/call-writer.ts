/**
 * The writers of a call's telemetry, behind one interface: the span writer, the metrics
 * writer, the log writer and the lifecycle-record writer each see the same moments of
 * every call (src/telemetry/call-recorder.ts drives them) and write their own signal.
 * Writers are built once per server or client and keep no per-call state of their own:
 * what they need of a call they read from its {@link CallView}.
 */
import type { Attributes, Span } from '@opentelemetry/api';
import type { CloseKind, EndCause } from '../core/end-cause.ts';
import type { MethodInfo } from '../core/method-info.ts';
import type { LifecyclePhase, Side, StockSpanFacts, StreamEnd } from './lifecycle-event.ts';
import type { RunScope } from './run-scope.ts';

/** `rpc.message.type` of a message event. */
export type MessageType = 'SENT' | 'RECEIVED';

/** Log level of a protocol event's record. */
export type EventLevel = 'debug' | 'info' | 'warn';

/** A call as its writers see it. */
export interface CallView {
  readonly side: Side;
  /** `s-N` (server) or `c-N` (client), unique per side and process. */
  readonly streamId: string;
  readonly method: MethodInfo;
  /** The `scenario` label value: a known scenario, `none` or `other`. */
  readonly scenario: string;
  /** The scenario as the baggage said it, truncated, when it differs from the label. */
  readonly scenarioRaw: string | undefined;
  /** The RPC span (streamlab's, or the stock instrumentation's in span mode `contrib`). */
  readonly span: Span;
  /** Hex trace id of the RPC span, '' when the span does not record. */
  readonly traceId: string;
  /** Whether the span records (false with telemetry off or an unsampled trace). */
  readonly recording: boolean;
  /** The scenario run the call belongs to. */
  readonly run: RunScope | undefined;
  /** Server: the id of the TCP connection that carries the call. */
  readonly connectionId: string | undefined;
  /** When the call opened, epoch ms. */
  readonly openedAtMs: number;
  /** Messages sent / received so far (exact). */
  readonly sent: number;
  readonly received: number;
  /** Metrics bookkeeping: the counts already added to the message counters. */
  flushedSent: number;
  flushedReceived: number;
  /** Has every writer add the counts since the last flush (a scrape asks for it; metrics.ts PendingCounts). */
  flushCounts(): void;
}

/** How a call ended, as the side's classification decided. */
export interface EndInput {
  cause: EndCause;
  grpcCode: number;
  details: string;
  closeKind?: CloseKind;
  /** With `closeKind`: when the TCP connection closed, epoch ms (its `transport.close` record). */
  closedAtMs?: number;
  /** `connect_failed`: the OS error, recorded as `error.type`. */
  connectError?: string;
  /** Span attributes contributed by the service's attachments (e.g. `streamlab.delivery.*`). */
  attributes?: Attributes;
}

/** One writer of a call's telemetry. Methods must not throw. */
export interface CallWriter {
  /** The call opened. */
  open(call: CallView): void;
  /** Message `n` (1-based) of a direction, for the first `messageEventCap` of each direction only. */
  message(call: CallView, type: MessageType, n: number, message: unknown): void;
  /** A lifecycle phase: stream.cancel, transport.close (detail: the close kind), keepalive.timeout, goaway. */
  phase(call: CallView, phase: LifecyclePhase, atMs: number, detail: string | undefined): void;
  /** A protocol event of the service (delivery.ack, ...): `lifecyclePhase` when the timeline draws it. */
  event(call: CallView, name: string, attributes: Attributes, level: EventLevel, lifecyclePhase: LifecyclePhase | undefined, detail: string | undefined): void;
  /** A wait for 'drain' after write() returned false began at `startMs` (`endMs` undefined), or ended at `endMs`. */
  backpressure(call: CallView, startMs: number, endMs: number | undefined): void;
  /** A `stream.segment` closed: `index` (0-based), its span of time and its message counts. */
  segment(call: CallView, index: number, startMs: number, endMs: number, sent: number, received: number): void;
  /** Metric counts since the last flush (segments, scrapes, the end). */
  flush(call: CallView): void;
  /**
   * The call ended. The span writer may end the span later (span mode `contrib`: it waits
   * to see whether the stock instrumentation ends it) and then returns a promise of what the
   * stock instrumentation recorded; the other writers run once it has settled.
   */
  end(call: CallView, end: StreamEnd, input: EndInput): Promise<StockSpanFacts | undefined> | void;
}
