/**
 * Lifecycle records both sides emit, in process, next to spans, metrics and logs: the
 * scenario runner draws its timeline and reads its verdicts from them.
 */
import type { EndCause, CloseKind } from '../core/end-cause.ts';
import type { Side } from './metrics.ts';
import type { RpcKind } from '../rpc/method-info.ts';

/** The phases of a stream's life (design §4 "Lifecycle events"). */
export type LifecyclePhase =
  | 'stream.open'
  | 'message'
  | 'backpressure.wait'
  | 'stream.cancel'
  | 'transport.close'
  | 'keepalive.timeout'
  | 'goaway'
  | 'delivery.redeliver'
  | 'delivery.exhausted'
  | 'stream.end';

/** One thing that happened to one stream on one side. */
export interface LifecycleEvent {
  side: Side;
  /** Unique per side and process, e.g. `s-3` (server) or `c-3` (client). */
  streamId: string;
  scenario: string;
  phase: LifecyclePhase;
  /** Wall-clock time in ms since the Unix epoch, sub-ms precision (performance.timeOrigin + now()). */
  atMs: number;
  /**
   * `message`: `SENT n` or `RECEIVED n` (direction and 1-based number); `transport.close`:
   * the close kind; `delivery.*`: the message id; `stream.end`: the end cause.
   */
  detail?: string;
}

/**
 * One side's accounting of an at-least-once delivery stream (Delivery/Exchange):
 * sent = acked + exhausted + unacked at the end, on the server. Ids are message ids.
 */
export interface DeliveryAccount {
  /** Server: distinct messages sent. Client: distinct messages received (delivered to the application). */
  sent: number;
  /** Server: messages acknowledged. Client: distinct messages it acknowledged. */
  acked: number;
  /** Server: redelivery attempts. Client: redeliveries it received (attempt > 1). */
  redelivered: number;
  /** Server: messages given up on. Client: exhausted ids the server's summary reported. */
  exhausted: number;
  /** Client: duplicates received and not delivered again. Server: 0. */
  duplicates: number;
  /** Client: simulated losses (messages ignored, no ACK). Server: 0. */
  dropped: number;
  /** Ids not acknowledged when the stream ended: server, sent and neither acked nor exhausted; client, seen and never acked. */
  unackedIds: number[];
  exhaustedIds: number[];
}

/** How one stream ended, on one side. */
export interface StreamEnd {
  side: Side;
  streamId: string;
  scenario: string;
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
  /** The delivery accounting, for Delivery/Exchange streams. */
  delivery?: DeliveryAccount;
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
}

/** Receives lifecycle records as they happen. Must not throw. */
export interface LifecycleObserver {
  onEvent?(event: LifecycleEvent): void;
  onEnd?(end: StreamEnd): void;
}

/** Wall-clock now in ms since the epoch with sub-ms precision. */
export function nowMs(): number {
  return performance.timeOrigin + performance.now();
}
