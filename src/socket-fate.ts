/**
 * The fate of one TCP socket: how it closed, seen from the side that owns it. Both the
 * server (per accepted socket) and the client (per channel connection) watch theirs,
 * because gRPC statuses alone cannot tell FIN from keepalive timeout (design §1).
 */
import { once } from 'node:events';
import type { Socket } from 'node:net';
import type { CloseKind } from './end-cause.ts';
import { nowMs } from './telemetry/lifecycle-event.ts';

/** How a socket closed and when (epoch ms: first sign of the close, not the 'close' event). */
export interface SocketFate {
  kind: CloseKind;
  atMs: number;
  /** Socket error code for `rst` (ECONNRESET, EPIPE, ...). */
  errorCode?: string;
}

/** A watched socket. */
export interface SocketWatch {
  /** Set once the socket has closed. */
  fate?: SocketFate;
  /** Resolves with the fate when the socket has closed. */
  readonly closed: Promise<SocketFate>;
}

/**
 * Starts watching `socket`: 'end' means the peer sent FIN, 'error' a reset or another
 * socket error, and a 'close' with neither means this side destroyed it (keepalive
 * timeout, shutdown, close()).
 */
export function watchSocketFate(socket: Socket): SocketWatch {
  let sawEnd = false;
  let errorCode: string | undefined;
  let firstSignMs = 0;
  socket.on('end', () => {
    sawEnd = true;
    firstSignMs ||= nowMs();
  });
  socket.on('error', (error: NodeJS.ErrnoException) => {
    errorCode = error.code ?? error.message;
    firstSignMs ||= nowMs();
  });
  const watch: SocketWatch = {
    closed: once(socket, 'close').then(() => {
      const atMs = firstSignMs || nowMs();
      const fate: SocketFate = errorCode !== undefined
        ? { kind: 'rst', atMs, errorCode }
        : { kind: sawEnd ? 'fin' : 'local', atMs };
      watch.fate = fate;
      return fate;
    }),
  };
  return watch;
}

/**
 * The fate of `watch` once known, waiting at most `settleMs` for the socket to close.
 * @returns undefined when the socket is still open after `settleMs` ms
 */
export async function settledFate(watch: SocketWatch, settleMs: number): Promise<SocketFate | undefined> {
  if (watch.fate) return watch.fate;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => (timer = setTimeout(resolve, settleMs, undefined)));
  try {
    return await Promise.race([watch.closed, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
