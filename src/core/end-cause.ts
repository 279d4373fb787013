/**
 * The one vocabulary for why a stream ended (design §2), shared by spans
 * (`streamlab.end_cause`), metrics (label `end_cause`), logs and the report.
 */
import type { LifecyclePhase } from './lifecycle-events.ts';

/** Every end cause, in the order the report lists them. */
export const END_CAUSES = [
  'completed',
  'failed',
  'client_cancelled',
  'deadline_exceeded',
  'connection_closed',
  'connection_reset',
  'keepalive_timeout',
  'server_shutdown',
  'connect_failed',
] as const;

/** Why a stream ended; what each value means on each side is {@link END_CAUSE_SPECS}. */
export type EndCause = (typeof END_CAUSES)[number];

/** What one end cause means, and what comes with it. */
export interface EndCauseSpec {
  /** What it means when the server records it; absent when the server never does. */
  server?: string;
  /** What it means when the client records it. */
  client: string;
  /**
   * The gRPC status the client's call ends with (canonical name, as grpc-js `status`);
   * absent when it is any code but those the other causes claim.
   */
  clientStatus?: 'OK' | 'CANCELLED' | 'DEADLINE_EXCEEDED' | 'UNAVAILABLE';
}

/**
 * Every end cause's meaning, server side and client side (design §2), in the order of
 * {@link END_CAUSES}; docs/reference.md is generated from it.
 */
export const END_CAUSE_SPECS = {
  completed: { server: 'the handler ended with OK', client: 'OK status received', clientStatus: 'OK' },
  failed: { server: 'the handler ended with a non-OK status', client: 'a non-OK status from the server that no other cause explains' },
  client_cancelled: {
    server: 'RST_STREAM CANCEL while its connection stayed open',
    client: 'this client called `cancel()`',
    clientStatus: 'CANCELLED',
  },
  deadline_exceeded: { server: 'the client\'s deadline passed', client: 'the call\'s deadline passed', clientStatus: 'DEADLINE_EXCEEDED' },
  connection_closed: { server: 'the peer closed TCP (FIN) before the stream ended', client: 'the peer closed TCP (FIN) before the stream ended', clientStatus: 'UNAVAILABLE' },
  connection_reset: { server: 'TCP RST or a socket error', client: 'TCP RST or a socket error', clientStatus: 'UNAVAILABLE' },
  keepalive_timeout: {
    server: 'no PING ack in time: a silent peer (blackhole, SIGSTOP)',
    client: 'the same, from the client\'s own keepalive',
    clientStatus: 'UNAVAILABLE',
  },
  server_shutdown: {
    server: 'the server drained (GOAWAY) or shut down, or sent the call\'s connection a GOAWAY of its own (a scripted mock `goaway`; ENHANCE_YOUR_CALM against a rapid-reset flood): the `goaway` event names its error code',
    client: 'the server\'s status said so (trailer `streamlab-end-cause`): a drain or GOAWAY',
    clientStatus: 'UNAVAILABLE',
  },
  connect_failed: {
    client: 'no connection could be made (ECONNREFUSED, unreachable, name not resolved): the stream never opened; the OS error is `error.type` on the span and `connect_error` in logs and `--json`',
    clientStatus: 'UNAVAILABLE',
  },
} as const satisfies Record<EndCause, EndCauseSpec>;

/**
 * The lifecycle event a call's record gets when it ends with a cause, unless the call
 * already recorded it (a client's own cancel is recorded when it cancels; a server's GOAWAY
 * with its error code when it sends it): the recorder writes it at the end time, before
 * `transport.close` (src/telemetry/call-recorder.ts `end`). A new cause with an event of its
 * own adds one entry here and the event in lifecycle-events.ts; the observation of the calls
 * needs no change.
 */
export const END_CAUSE_EVENTS = {
  client_cancelled: 'stream.cancel',
  keepalive_timeout: 'keepalive.timeout',
  server_shutdown: 'goaway',
} as const satisfies Partial<Record<EndCause, LifecyclePhase>>;

/**
 * How a TCP connection ended, as seen from the side that owns the socket:
 * - `fin`: the peer closed its half (socket 'end').
 * - `rst`: the socket failed (ECONNRESET, EPIPE, ...).
 * - `local`: this side destroyed the socket itself (keepalive timeout, shutdown, close()).
 */
export type CloseKind = 'fin' | 'rst' | 'local';

/**
 * Trailing-metadata key the server adds to every status it sends, holding its own end
 * cause, so a client can tell a server shutdown from other UNAVAILABLEs.
 */
export const END_CAUSE_TRAILER = 'streamlab-end-cause';

/**
 * The end cause of a status that a call ended with on its own terms (the server's handler
 * sent it; nothing cut the call): OK → completed, DEADLINE_EXCEEDED → deadline_exceeded,
 * any other code → failed.
 */
export function causeOfStatus(code: number): EndCause {
  if (code === 0) return 'completed';
  return code === 4 ? 'deadline_exceeded' : 'failed';
}
