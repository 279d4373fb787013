/**
 * A plain TCP proxy that can break the network on command (design §1, §3):
 * RST both sides, FIN both sides, or silently drop everything (blackhole).
 * Scenarios put it between a gRPC client and the server; the CLI `proxy` command
 * lets a teacher drive it from a terminal.
 */
import net from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { blackholePair, closePair, resetPair } from './proxy-pair.ts';
import type { Pair } from './proxy-pair.ts';

/** A fault the proxy can inject: `reset` (TCP RST), `close` (TCP FIN), `blackhole` (silence). */
export type FaultKind = 'reset' | 'close' | 'blackhole';

/** What the proxy does with connections it accepts from now on. */
export type ProxyMode = 'clean' | 'blackhole';

/** Called synchronously right after a fault was applied; `atMs` is `performance.now()` (ms) taken just before. */
export type FaultListener = (fault: FaultKind, atMs: number) => void;

/** Called each time the proxy reads and drops a chunk: `bytes` in this chunk, `totalBytes` ever dropped. */
export type DropListener = (bytes: number, totalBytes: number) => void;

/** Options of {@link createFaultProxy}. */
export interface FaultProxyOptions {
  /** Address to listen on. Default `'127.0.0.1'`. */
  listenHost?: string;
  /** Port to listen on; 0 picks a free one. Default 0. */
  listenPort?: number;
  /** Where every accepted connection is forwarded to. */
  upstreamHost: string;
  upstreamPort: number;
  /** After `closeConnections()`, how long (ms) to wait for each peer's own FIN before destroying. Default 1000. */
  closeGraceMs?: number;
}

/** A running (or not yet listening) fault proxy. See {@link createFaultProxy}. */
export interface FaultProxy {
  /** Starts listening. Resolves with the bound address (real port when 0 was asked); rejects on EADDRINUSE etc. */
  listen(): Promise<{ host: string; port: number }>;
  /** Destroys every connection and closes the listener. Idempotent; never rejects. */
  close(): Promise<void>;
  /** Sends a TCP RST to both sides of every live connection. Returns `performance.now()` (ms) of the fault. */
  reset(): number;
  /** Sends a TCP FIN to both sides of every live connection, then drops anything they still send. Returns the fault time (ms). */
  closeConnections(): number;
  /**
   * From now on forwards nothing either way, on live and new connections: bytes are read and dropped,
   * and no FIN or RST is passed on, so only keepalive can notice. Returns the fault time (ms).
   */
  blackhole(): number;
  /** New connections forward cleanly again. Connections that were blackholed stay blackholed until they die. */
  restore(): void;
  /**
   * Applies `fault` to one connection only: the one whose upstream socket's local
   * `address:port` is `upstreamLocal` — what the upstream server sees as the peer
   * (grpc-js `call.getPeer()`), so a server behind the proxy can break the connection of one
   * call (the mock's scripted faults). Returns the fault time (ms), or undefined when no live
   * connection matches.
   */
  faultConnection(fault: FaultKind, upstreamLocal: string): number | undefined;
  /** `'blackhole'` between `blackhole()` and `restore()`, else `'clean'`. */
  readonly mode: ProxyMode;
  /** Connection pairs (downstream + upstream socket) not yet fully closed. */
  readonly connectionCount: number;
  /** Bytes read and thrown away so far (blackholed pairs, and pairs after `closeConnections()`/`reset()`). */
  readonly droppedBytes: number;
  /** Subscribes to faults; returns the unsubscribe function. */
  onFault(listener: FaultListener): () => void;
  /** Subscribes to dropped chunks; returns the unsubscribe function. */
  onDrop(listener: DropListener): () => void;
}


/**
 * Builds a fault proxy; call `listen()` to start it. Every socket has an 'error' handler: an
 * upstream connect failure (or any socket error) on a clean pair resets the other socket, and
 * the proxy keeps serving. A clean FIN is passed on as FIN (half-close is supported).
 * Never throws.
 */
export function createFaultProxy(options: FaultProxyOptions): FaultProxy {
  const { listenHost = '127.0.0.1', listenPort = 0, upstreamHost, upstreamPort, closeGraceMs = 1000 } = options;
  const pairs = new Set<Pair>();
  const faultListeners = new Set<FaultListener>();
  const dropListeners = new Set<DropListener>();
  let mode: ProxyMode = 'clean';
  let droppedBytes = 0;
  let closed = false;

  const server = net.createServer({ allowHalfOpen: true, noDelay: true });
  server.on('error', () => {}); // accept errors (EMFILE ...) must not crash; listen() reports its own
  server.on('connection', (downstream) => {
    if (closed) return void downstream.destroy();
    const upstream = net.connect({ host: upstreamHost, port: upstreamPort, allowHalfOpen: true, noDelay: true });
    const state = mode === 'blackhole' ? 'blackhole' : 'clean';
    const pair: Pair = { downstream, upstream, state, openSockets: 2, graceTimer: undefined };
    pairs.add(pair);
    wire(pair, downstream, upstream);
    wire(pair, upstream, downstream);
  });

  function drop(bytes: number): void {
    droppedBytes += bytes;
    for (const listener of dropListeners) listener(bytes, droppedBytes);
  }

  /** Forwards `from` → `to` while the pair is clean; drops otherwise. */
  function wire(pair: Pair, from: Socket, to: Socket): void {
    from.on('error', () => {}); // the outcome is handled in 'close' (hadError)
    from.on('data', (chunk: Buffer) => {
      if (pair.state !== 'clean') return drop(chunk.length);
      if (!to.write(chunk)) {
        from.pause();
        to.once('drain', () => from.resume());
      }
    });
    from.on('end', () => {
      if (pair.state === 'clean') to.end();
    });
    from.on('close', (hadError: boolean) => {
      if (pair.state === 'clean' && !to.destroyed) {
        if (hadError) to.resetAndDestroy();
        else to.destroySoon();
      }
      pair.openSockets -= 1;
      if (pair.openSockets === 0) {
        clearTimeout(pair.graceTimer);
        pairs.delete(pair);
      }
    });
  }

  function applyFault(fault: FaultKind, apply: (pair: Pair) => void): number {
    const atMs = performance.now();
    for (const pair of pairs) apply(pair);
    for (const listener of faultListeners) listener(fault, atMs);
    return atMs;
  }

  return {
    listen() {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(listenPort, listenHost, () => {
          server.off('error', reject);
          const address = server.address() as AddressInfo;
          resolve({ host: address.address, port: address.port });
        });
      });
    },
    close() {
      closed = true;
      for (const pair of pairs) {
        pair.state = 'closing';
        pair.downstream.destroy();
        pair.upstream.destroy();
      }
      return new Promise((resolve) => {
        if (!server.listening) return resolve();
        server.close(() => resolve());
      });
    },
    reset() {
      return applyFault('reset', resetPair);
    },
    closeConnections() {
      return applyFault('close', (pair) => closePair(pair, closeGraceMs));
    },
    blackhole() {
      mode = 'blackhole';
      return applyFault('blackhole', blackholePair);
    },
    faultConnection(fault, upstreamLocal) {
      const pair = [...pairs].find((candidate) => `${candidate.upstream.localAddress}:${candidate.upstream.localPort}` === upstreamLocal);
      if (!pair || pair.state === 'closing') return undefined;
      const atMs = performance.now();
      if (fault === 'reset') resetPair(pair);
      else if (fault === 'close') closePair(pair, closeGraceMs);
      else blackholePair(pair);
      for (const listener of faultListeners) listener(fault, atMs);
      return atMs;
    },
    restore() {
      mode = 'clean';
    },
    get mode() {
      return mode;
    },
    get connectionCount() {
      return pairs.size;
    },
    get droppedBytes() {
      return droppedBytes;
    },
    onFault(listener) {
      faultListeners.add(listener);
      return () => void faultListeners.delete(listener);
    },
    onDrop(listener) {
      dropListeners.add(listener);
      return () => void dropListeners.delete(listener);
    },
  };
}
