/**
 * Lifecycle records both sides emit, in process, next to spans, metrics and logs: the
 * scenario runner draws its timeline and reads its verdicts from them.
 */
import type { EndCause, CloseKind } from '../core/end-cause.ts';
import type { RpcKind } from '../core/method-info.ts';
import type { LifecyclePhase } from '../core/lifecycle-events.ts';

/** Which end of the wire a stream was observed on. */
export type Side = 'server' | 'client';

/** The phases of a stream's life: the events of src/core/lifecycle-events.ts that the timeline draws. */
export type { LifecyclePhase } from '../core/lifecycle-events.ts';

/** One thing that happened to one stream on one side. */
export interface LifecycleEvent {
  side: Side;
  /** Unique per side and process, e.g. `s-3` (server) or `c-3` (client). */
  streamId: string;
  /** The scenario label of the stream (a known scenario name, `none` or `other`). */
  scenario: string;
  /** The id of the scenario run the stream belongs to, when it belongs to one. */
  runId?: string;
  phase: LifecyclePhase;
  /** Wall-clock time in ms since the Unix epoch, sub-ms precision (src/core/clock.ts). */
  atMs: number;
  /**
   * `message`: `SENT n` or `RECEIVED n` (direction and 1-based number); `transport.close`:
   * the close kind; `delivery.*`: the message id; `stream.end`: the end cause.
   */
  detail?: string;
}

/**
 * What the stock instrumentation (@opentelemetry/instrumentation-grpc) recorded on the RPC
 * span of a call, when it created that span (span mode `contrib`), read off the span as it
 * ended, before streamlab's own corrections.
 */
export interface StockSpanFacts {
  /** The span's name as the stock instrumentation gave it (`grpc.package.Service/Method`). */
  name: string;
  /** Who ended the span: the stock instrumentation, or streamlab because it never did. */
  endedBy: 'instrumentation' | 'streamlab';
  /** The span status the stock instrumentation set (0 UNSET, 1 OK, 2 ERROR); 0 when it never ended the span. */
  statusCode: number;
  /** `rpc.grpc.status_code` as the stock instrumentation recorded it, if it did. */
  grpcStatusCode?: number;
}

/** How one stream ended, on one side. */
export interface StreamEnd {
  side: Side;
  streamId: string;
  /** The scenario label (see {@link LifecycleEvent.scenario}). */
  scenario: string;
  /** The id of the scenario run, when the stream belonged to one. */
  runId?: string;
  /** The RPC kind of the call. */
  rpc: RpcKind;
  /** `package.Service` and `Method`. */
  service: string;
  method: string;
  /** Hex trace id of the RPC span, '' when tracing is off. */
  traceId: string;
  endCause: EndCause;
  /** gRPC status code sent (server) or received (client). */
  grpcCode: number;
  /** Status message, for humans. */
  details: string;
  /**
   * Messages of the stream's data direction: the requests for client streaming, the
   * responses otherwise (so the server's sent and the client's received for server streaming).
   */
  messages: number;
  /** Messages this side sent (both directions are counted for every kind). */
  sent: number;
  /** Messages this side received. */
  received: number;
  /**
   * What the service attached to its call (a snapshot taken at the end), by key: e.g.
   * `delivery` for Delivery/Exchange (read it with src/delivery/delivery-account.ts `deliveryOf`).
   */
  attachments?: Readonly<Record<string, unknown>>;
  openedAtMs: number;
  /** When this side noticed the end, ms since the epoch. */
  endedAtMs: number;
  /** endedAtMs minus the cause time, when the cause time is known. */
  detectionMs?: number;
  /** TCP connection id (server side), when known. */
  connectionId?: string;
  closeKind?: CloseKind;
  /** Client, `connect_failed`: the OS error (`ECONNREFUSED`, `ENOTFOUND`, ..., or `name not resolved`). */
  connectError?: string;
  /** Span mode `contrib`: what the stock instrumentation recorded on this call's RPC span. */
  stockSpan?: StockSpanFacts;
}

/** Receives lifecycle records as they happen. Must not throw. */
export interface LifecycleObserver {
  onEvent?(event: LifecycleEvent): void;
  onEnd?(end: StreamEnd): void;
}
