/**
 * The fate of one TCP socket: how it closed, seen from the side that owns it. Both the
 * server (per accepted socket) and the client (per channel connection) watch theirs,
 * because gRPC statuses alone cannot tell FIN from keepalive timeout (design §1).
 */
import type { Socket } from 'node:net';
import type { CloseKind } from './end-cause.ts';
import { nowMs } from './clock.ts';
import { withTimeout } from './deferred.ts';

/** How a socket closed and when (epoch ms of the first sign of the close). */
export interface SocketFate {
  kind: CloseKind;
  atMs: number;
  /** Socket error code for `rst` (ECONNRESET, EPIPE, ...). */
  errorCode?: string;
}

/** A watched socket. */
export interface SocketWatch {
  /** Set at the first sign of the close. */
  fate?: SocketFate;
  /** True once the peer's FIN arrived, even after the fate was settled by another sign. */
  peerEnded: boolean;
  /**
   * Resolves with the fate at the first sign of the close (the peer's FIN alone, a half
   * close, settles it). Never rejects. Not "closed": see `fullyClosed`.
   */
  readonly settled: Promise<SocketFate>;
  /** Resolves on the socket's 'close' event (both halves done, the descriptor released). */
  readonly fullyClosed: Promise<void>;
}

/**
 * Starts watching `socket`. The first sign decides:
 * - 'end' (the peer's FIN arrived first): `fin`;
 * - 'error' (ECONNRESET, EPIPE, ...): `rst`;
 * - 'finish' or 'close' with neither before it: this side closed the socket itself
 *   (keepalive timeout, shutdown, close()): `local`. 'finish' counts because after a
 *   local close toward a silent peer (blackhole) 'close' may never come: the FIN we sent
 *   is never answered.
 */
export function watchSocketFate(socket: Socket): SocketWatch {
  let resolveFate!: (fate: SocketFate) => void;
  const watch: SocketWatch = {
    peerEnded: false,
    settled: new Promise<SocketFate>((resolve) => (resolveFate = resolve)),
    fullyClosed: new Promise<void>((resolve) => socket.once('close', () => resolve())),
  };
  const settle = (fate: SocketFate) => {
    if (watch.fate) return;
    watch.fate = fate;
    resolveFate(fate);
  };
  socket.on('end', () => {
    watch.peerEnded = true;
    settle({ kind: 'fin', atMs: nowMs() });
  });
  socket.on('error', (error: NodeJS.ErrnoException) => settle({ kind: 'rst', atMs: nowMs(), errorCode: error.code ?? error.message }));
  socket.on('finish', () => settle({ kind: 'local', atMs: nowMs() }));
  socket.on('close', () => settle({ kind: 'local', atMs: nowMs() }));
  return watch;
}

/**
 * The fate of `watch` once known, waiting at most `settleMs` for it.
 * @returns undefined when the socket is still open after `settleMs` ms
 */
export async function settledFate(watch: SocketWatch, settleMs: number): Promise<SocketFate | undefined> {
  if (watch.fate) return watch.fate;
  return withTimeout(watch.settled, settleMs);
}
