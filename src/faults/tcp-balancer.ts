/**
 * A connection-level (L4) TCP load balancer, as kube-proxy is for a ClusterIP Service: it
 * picks a backend once per TCP connection, in turn (IPVS's default `rr`; iptables mode picks
 * at random), then only copies bytes. It never looks inside HTTP/2, so every stream a gRPC
 * channel multiplexes over its one connection goes to the backend that connection landed on
 * (the lesson l4-pinning). It can also forget connections that stay idle, silently, as a NAT
 * table or a cloud load balancer does (the lesson lb-idle-timeout): after `idleTimeoutMs`
 * without a byte either way the pair is blackholed — its bytes are read and dropped, no FIN or
 * RST is passed on, so only a keepalive PING that goes unanswered can tell either end.
 */
import net from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import { nowMs } from '../core/clock.ts';

/** A backend, `host:port`. */
export interface Backend {
  host: string;
  port: number;
}

/** Options of {@link createTcpBalancer}. */
export interface TcpBalancerOptions {
  backends: readonly Backend[];
  /** Forget (blackhole) a connection idle this long, ms. Default: never. */
  idleTimeoutMs?: number;
  /** Called when a connection is forgotten: its number (1 = first accepted) and when, epoch ms. */
  onForget?(connection: number, atMs: number): void;
}

/** One proxied connection, for the lesson's accounting. */
export interface BalancedConnection {
  /** 1 for the first accepted. */
  readonly number: number;
  /** The backend it was sent to. */
  readonly backend: Backend;
  /** Set when it was forgotten after being idle, epoch ms. */
  readonly forgottenAtMs?: number;
  /** Bytes dropped after it was forgotten. */
  readonly droppedBytes: number;
}

interface Pair extends BalancedConnection {
  downstream: Socket;
  upstream: Socket;
  lastByteAtMs: number;
  forgottenAtMs?: number;
  droppedBytes: number;
}

/**
 * Builds the balancer; `listen()` starts it. Never throws: a socket error resets the other
 * side of its pair (as the fault proxy does).
 * @throws RangeError when `backends` is empty
 */
export function createTcpBalancer(options: TcpBalancerOptions) {
  if (options.backends.length === 0) throw new RangeError('a balancer needs at least one backend');
  const pairs = new Set<Pair>();
  const all: Pair[] = [];
  let next = 0;
  const server = net.createServer({ allowHalfOpen: true, noDelay: true });
  server.on('error', () => {});
  const idle = options.idleTimeoutMs;
  const sweeper = idle === undefined ? undefined : setInterval(() => {
    const now = nowMs();
    for (const pair of pairs) {
      if (pair.forgottenAtMs !== undefined || now - pair.lastByteAtMs < idle) continue;
      pair.forgottenAtMs = now;
      options.onForget?.(pair.number, now);
    }
  }, Math.max(10, Math.min(100, idle / 10)));
  sweeper?.unref();

  function wire(pair: Pair, from: Socket, to: Socket): void {
    from.on('error', () => {});
    from.on('data', (chunk: Buffer) => {
      if (pair.forgottenAtMs !== undefined) {
        pair.droppedBytes += chunk.length;
        return;
      }
      pair.lastByteAtMs = nowMs();
      if (!to.write(chunk)) {
        from.pause();
        to.once('drain', () => from.resume());
      }
    });
    from.on('end', () => {
      if (pair.forgottenAtMs === undefined) to.end();
    });
    from.on('close', (hadError: boolean) => {
      if (pair.forgottenAtMs === undefined && !to.destroyed) {
        if (hadError) to.resetAndDestroy();
        else to.destroySoon();
      }
      if (from === pair.downstream) pairs.delete(pair);
    });
  }

  server.on('connection', (downstream) => {
    const backend = options.backends[next++ % options.backends.length]!;
    const upstream = net.connect({ host: backend.host, port: backend.port, allowHalfOpen: true, noDelay: true });
    const pair: Pair = { number: all.length + 1, backend, downstream, upstream, lastByteAtMs: nowMs(), droppedBytes: 0 };
    pairs.add(pair);
    all.push(pair);
    wire(pair, downstream, upstream);
    wire(pair, upstream, downstream);
  });

  return {
    /** Starts listening on 127.0.0.1, port 0 by default; resolves with the bound address. */
    listen(port = 0): Promise<Backend> {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, '127.0.0.1', () => {
          server.off('error', reject);
          resolve({ host: '127.0.0.1', port: (server.address() as AddressInfo).port });
        });
      });
    },
    /** Every connection accepted so far, in order. */
    connections: (): readonly BalancedConnection[] => all,
    /** Destroys every connection and stops listening. Never rejects. */
    close(): Promise<void> {
      clearInterval(sweeper);
      for (const pair of pairs) {
        pair.downstream.destroy();
        pair.upstream.destroy();
      }
      return new Promise((resolve) => (server.listening ? server.close(() => resolve()) : resolve()));
    },
  };
}

/** A balancer built by {@link createTcpBalancer}. */
export type TcpBalancer = ReturnType<typeof createTcpBalancer>;
