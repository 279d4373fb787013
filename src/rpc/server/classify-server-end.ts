/**
 * Server-side end-cause classification (design §2, server column), as pure functions.
 */
import type { EndCause } from '../../core/end-cause.ts';
import type { SocketFate } from '../../core/socket-fate.ts';

/**
 * Why a call ended that the handler did not end (or whose connection died under it), from
 * its connection's fate
 * (socket events measured with grpc-js 1.14 on loopback):
 * - peer FIN or RST: the socket says so ('end' / 'error') before grpc-js cancels the
 *   calls the connection carried, so a fate known at 'cancelled' names the cause;
 * - keepalive timeout: grpc-js cancels the calls, then ends and destroys the socket
 *   itself ('finish', 'close', never 'end': the peer is silent);
 * - a client that cancels and then leaves: 'cancelled' first, the peer's FIN after.
 * @param knownAtCancel the fate when 'cancelled' fired
 * @param later the fate after the settle window
 * @param peerEnded whether the peer's FIN had arrived by the end of the settle window
 */
export function classifyTransportEnd(knownAtCancel: SocketFate | undefined, later: SocketFate | undefined, peerEnded: boolean): EndCause {
  if (knownAtCancel) {
    if (knownAtCancel.kind === 'rst') return 'connection_reset';
    if (knownAtCancel.kind === 'fin' || peerEnded) return 'connection_closed';
    return 'keepalive_timeout';
  }
  if (later?.kind === 'local' && !peerEnded) return 'keepalive_timeout';
  return 'client_cancelled';
}

/**
 * How early before the server's copy of the deadline a cancel still counts as the deadline,
 * ms. The server's deadline is the grpc-timeout header added to the time the request
 * arrived, so it runs a little later than the client's; the client's own deadline timer
 * fires first and its RST_STREAM can arrive just before the server's deadline passes.
 */
export const DEADLINE_SKEW_MS = 50;

/**
 * Whether a call deadline (grpc-js: Date, or ms since the epoch, Infinity for none) has passed
 * at `nowMs`, allowing for the client-server skew: {@link DEADLINE_SKEW_MS} plus `lateMs()`, how
 * late this process's timers ran lately, ms (src/core/timer-lateness.ts) — a busy process read
 * the request's HEADERS, and so started its copy of the deadline, late by up to that much.
 * `lateMs` is asked only for a call that has a deadline: most calls have none.
 */
export function deadlinePassed(deadline: Date | number, nowMs: number, lateMs: () => number = () => 0): boolean {
  const atMs = deadline instanceof Date ? deadline.getTime() : deadline;
  return Number.isFinite(atMs) && atMs - DEADLINE_SKEW_MS - lateMs() <= nowMs;
}
