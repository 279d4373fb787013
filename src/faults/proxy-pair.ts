/**
 * One connection of the fault proxy (fault-proxy.ts) — the accepted socket and its upstream
 * twin — and the three ways to break it: RST, FIN, silence.
 */
import type { Socket } from 'node:net';

/** One accepted connection and its upstream twin. `closing`: a fault ended it, pass nothing on. */
export interface Pair {
  downstream: Socket;
  upstream: Socket;
  state: 'clean' | 'blackhole' | 'closing';
  openSockets: number;
  graceTimer: NodeJS.Timeout | undefined;
}

/** RST to both sides. */
export function resetPair(pair: Pair): void {
  pair.state = 'closing';
  for (const socket of [pair.downstream, pair.upstream]) {
    // While connecting, Node sends the RST once connected; a destroyed socket is already gone.
    if (!socket.destroyed) socket.resetAndDestroy();
  }
}

/** FIN to both sides, then drop what they still send; destroy both after `closeGraceMs` if a peer never sends its FIN. */
export function closePair(pair: Pair, closeGraceMs: number): void {
  pair.state = 'closing';
  for (const socket of [pair.downstream, pair.upstream]) {
    if (socket.destroyed) continue;
    socket.resume(); // keep reading (and dropping) so a paused socket does not turn the close into an RST
    socket.end();
  }
  // With allowHalfOpen the socket closes itself when the peer's FIN arrives; this covers peers that never send it.
  clearTimeout(pair.graceTimer);
  pair.graceTimer = setTimeout(() => {
    pair.downstream.destroy();
    pair.upstream.destroy();
  }, closeGraceMs).unref();
}

/** Read and drop everything, pass nothing on. */
export function blackholePair(pair: Pair): void {
  if (pair.state !== 'clean') return;
  pair.state = 'blackhole';
  pair.downstream.resume(); // a socket paused for backpressure must keep being read
  pair.upstream.resume();
}

