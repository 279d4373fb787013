/**
 * Builds the streamlab gRPC server. It owns its TCP listener and hands each accepted
 * socket to grpc-js through a connection injector (public API since grpc-js 1.10), so the
 * connection tracker sees every socket's fate (design §1). Building never listens: the
 * caller decides when and where with `listen()`.
 */
import net from 'node:net';
import { once } from 'node:events';
import { setTimeout as delay } from 'node:timers/promises';
import * as grpc from '@grpc/grpc-js';
import { StreamlabError } from '../core/errors.ts';
import { loadTickerProto } from '../proto.ts';
import { createConnectionTracker } from '../rpc/server/connection-tracker.ts';
import { createTickerHandlers } from './ticker-service.ts';
import type { ActiveStreams } from './ticker-service.ts';
import type { RecorderDeps } from '../telemetry/stream-recorder.ts';

/** Keepalive and shutdown options; every field has a default. */
export interface ServerOptions {
  /**
   * Interval between the server's keepalive PINGs, ms. Default 30,000. grpc servers
   * default to 2 h (gRPC keepalive guide, gRFC A8), far longer than the idle timeouts of
   * NATs and load balancers (~4-6 min) that long-lived streams cross, and far too long to
   * notice a silent client. 30 s notices a vanished client within ~40 s.
   */
  keepaliveTimeMs?: number;
  /**
   * How long a PING may go unanswered before the server drops the connection, ms.
   * Default 10,000 (the keepalive guide's example; grpc-js's own default is 20 s).
   */
  keepaliveTimeoutMs?: number;
  /** On shutdown, how long in-flight streams may go on after GOAWAY, ms. Default 5,000. */
  shutdownGraceMs?: number;
  /** See ServerLifecycleDeps.settleMs. Default 50 ms. */
  settleMs?: number;
}

/** Defaults of {@link ServerOptions}. */
export const SERVER_DEFAULTS = { keepaliveTimeMs: 30_000, keepaliveTimeoutMs: 10_000, shutdownGraceMs: 5_000 } as const;

/** After the grace period, how long the last statuses may take to flush before connections are destroyed, ms. */
const FORCE_CLOSE_AFTER_MS = 1_000;

/** Where a server listens. Port 0 picks a free port. */
export interface ListenAddress {
  host: string;
  port: number;
}

/**
 * Creates the server.
 * @param deps telemetry dependencies shared by every stream
 * @param options keepalive and shutdown; see {@link ServerOptions} for defaults
 */
export function createServer(deps: RecorderDeps, options: ServerOptions = {}) {
  const keepaliveTimeMs = options.keepaliveTimeMs ?? SERVER_DEFAULTS.keepaliveTimeMs;
  const keepaliveTimeoutMs = options.keepaliveTimeoutMs ?? SERVER_DEFAULTS.keepaliveTimeoutMs;
  const grpcServer = new grpc.Server({
    'grpc.keepalive_time_ms': keepaliveTimeMs,
    'grpc.keepalive_timeout_ms': keepaliveTimeoutMs,
    // grpc-js servers enforce no client PING policy (gRFC A8's min_ping_interval and
    // ping strikes are grpc-core/grpc-go features), so clients may ping every second, as
    // the blackhole scenario's clients do.
  });
  const connections = createConnectionTracker(deps);
  const active: ActiveStreams = new Set();
  let shuttingDown = false;
  const lifecycleDeps = {
    ...deps,
    connections,
    isShuttingDown: () => shuttingDown,
    ...(options.settleMs !== undefined ? { settleMs: options.settleMs } : {}),
  };
  const proto = loadTickerProto();
  grpcServer.addService(proto.streamlab.v1.Ticker.service, createTickerHandlers(lifecycleDeps, active));
  const injector = grpcServer.createConnectionInjector(grpc.ServerCredentials.createInsecure());
  const listener = net.createServer({ noDelay: true }, (socket) => {
    connections.track(socket);
    injector.injectConnection(socket);
  });

  return {
    connections,
    /** Streams open right now. */
    get activeStreams(): number {
      return active.size;
    },
    /**
     * Starts accepting connections.
     * @returns the bound address (the real port when `port` was 0)
     * @throws Error from node:net (EADDRINUSE, EACCES) when the port cannot be bound
     */
    async listen(address: ListenAddress): Promise<ListenAddress> {
      listener.listen(address.port, address.host);
      await Promise.race([once(listener, 'listening'), once(listener, 'error').then(([error]) => Promise.reject(error))]);
      const bound = listener.address() as net.AddressInfo;
      return { host: address.host, port: bound.port };
    },
    /**
     * Graceful shutdown: stop accepting, send GOAWAY, let streams run for the grace
     * period, then end the rest with UNAVAILABLE (end cause server_shutdown) and close.
     * Resolves when every stream has ended and every connection is closed. Idempotent.
     */
    async shutdown(graceMs = options.shutdownGraceMs ?? SERVER_DEFAULTS.shutdownGraceMs): Promise<void> {
      if (shuttingDown) return;
      shuttingDown = true;
      listener.close();
      // GOAWAY on every session. Its callback does not wait for injected sessions, so
      // the drain is tracked here, by streams and connections.
      grpcServer.tryShutdown(() => {});
      const streamsEnded = () => Promise.all([...active].map((stream) => stream.ended));
      await Promise.race([streamsEnded(), delay(graceMs, undefined, { ref: false })]);
      for (const stream of active) {
        stream.fail(new StreamlabError(grpc.status.UNAVAILABLE, 'server shutting down'), 'server_shutdown');
      }
      await streamsEnded();
      // The last statuses are flushing and the sessions close once they are out; a peer
      // that does not read them gets its connection destroyed.
      await Promise.race([connections.allClosed(), delay(FORCE_CLOSE_AFTER_MS, undefined, { ref: false })]);
      grpcServer.forceShutdown();
    },
  };
}

/** The server built by {@link createServer}. */
export type StreamlabServer = ReturnType<typeof createServer>;
