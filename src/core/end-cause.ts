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

/**
 * Why a stream ended. Server side / client side meaning:
 * - `completed`: handler ended with OK / OK status received.
 * - `failed`: handler ended with a non-OK status / non-OK status from the server.
 * - `client_cancelled`: RST_STREAM CANCEL on a live connection / this client called cancel().
 * - `deadline_exceeded`: the client's deadline passed (both sides).
 * - `connection_closed`: the peer closed TCP (FIN) before the stream ended.
 * - `connection_reset`: TCP RST or socket error.
 * - `keepalive_timeout`: no PING ack in time (silent peer: blackhole, SIGSTOP).
 * - `server_shutdown`: the server drained (GOAWAY) or shut down, or sent the call's connection
 *   a GOAWAY of its own (a scripted mock `goaway`; ENHANCE_YOUR_CALM against a rapid-reset
 *   flood): the `goaway` event names its error code.
 * - `connect_failed`: client side only — no connection could be made (ECONNREFUSED,
 *   unreachable, name not resolved); the stream never opened.
 */
export type EndCause = (typeof END_CAUSES)[number];

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
