/**
 * Lifecycle records both sides emit, in process, next to spans, metrics and logs: the
 * scenario runner draws its timeline and reads its verdicts from them.
 */
import type { EndCause, CloseKind } from '../core/end-cause.ts';
import type { Side } from './metrics.ts';

/** The phases of a stream's life (design §4 "Lifecycle events"). */
export type LifecyclePhase =
  | 'stream.open'
  | 'message'
  | 'backpressure.wait'
  | 'stream.cancel'
  | 'transport.close'
  | 'keepalive.timeout'
  | 'goaway'
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
  /** Message sequence number for `message`, close kind for `transport.close`. */
  detail?: string;
}

/** How one stream ended, on one side. */
export interface StreamEnd {
  side: Side;
  streamId: string;
  scenario: string;
  /** Hex trace id of the RPC span, '' when tracing is off. */
  traceId: string;
  endCause: EndCause;
  /** gRPC status code sent (server) or received (client). */
  grpcCode: number;
  /** Status message, for humans. */
  details: string;
  /** Messages sent (server) or received (client). */
  messages: number;
  openedAtMs: number;
  /** When this side noticed the end, ms since the epoch. */
  endedAtMs: number;
  /** endedAtMs minus the cause time, when the cause time is known. */
  detectionMs?: number;
  /** TCP connection id (server side), when known. */
  connectionId?: string;
  closeKind?: CloseKind;
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
