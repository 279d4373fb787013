/**
 * Builds a streamlab gRPC server for the services it is given (streamlab's own, built by
 * src/services/streamlab-services.ts; a mock's; a benchmark's). It owns its TCP listener and hands each accepted
 * socket to grpc-js through a connection injector (public API since grpc-js 1.10), so the
 * connection tracker sees every socket's fate (design §1). Every method of every service it
 * is given is observed the same way, by one grpc-js server interceptor
 * (src/rpc/server/server-observation.ts); handlers are registered as they are. Building never
 * listens: the caller decides when and where with `listen()`.
 */
import net from 'node:net';
import { once } from 'node:events';
import * as grpc from '@grpc/grpc-js';
import { StreamlabError } from '../core/errors.ts';
import { withTimeout } from '../core/deferred.ts';
import { createConnectionTracker } from '../rpc/server/connection-tracker.ts';
import { createHttp2Sessions } from '../rpc/server/http2-sessions.ts';
import { createServerObservation } from '../rpc/server/server-observation.ts';
import type { TelemetryDeps } from '../telemetry/telemetry-deps.ts';
import type { ServiceRegistration } from './service-registration.ts';
import { createAdminServices } from './admin/admin-services.ts';
import { createConnectionAgeDrain } from './connection-age.ts';
import type { MaxConnectionAge } from './connection-age.ts';

/** The services to serve, and keepalive and shutdown options; every field but `services` has a default. */
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
  /** On shutdown, how long in-flight calls may go on after GOAWAY, ms. Default 5,000. */
  shutdownGraceMs?: number;
  /**
   * Max connection age (gRFC A9, the meaning of grpc's `grpc.max_connection_age_ms` and
   * `grpc.max_connection_age_grace_ms`): a connection older than `ageMs` (±10 % jitter) gets
   * GOAWAY, so its client reconnects and re-resolves; calls still open `graceMs` later end
   * UNAVAILABLE, end cause server_shutdown (src/server/connection-age.ts, which does it
   * itself rather than through grpc-js). Default: unlimited (both unset).
   */
  maxConnectionAge?: MaxConnectionAge;
  /** See ServerCallDeps.settleMs. Default 50 ms. */
  settleMs?: number;
  /**
   * Streams a client may have open at once on one connection, advertised in the HTTP/2
   * SETTINGS (SETTINGS_MAX_CONCURRENT_STREAMS, `grpc.max_concurrent_streams`); a client
   * queues its calls past it. Default 10,000: as many as `streamlab load --streams` and a
   * fleet request's subscribers may put on one channel. grpc-js advertises none (Node's
   * 2^32-1) unless told.
   */
  maxConcurrentStreams?: number;
  /**
   * Streams a client may reset before the server answered them, within 1 s of opening them
   * ("premature resets"), before its connection gets GOAWAY ENHANCE_YOUR_CALM (when they are
   * at least half of its streams): the rapid-reset bound (src/rpc/server/http2-sessions.ts).
   * Default 500; 0 leaves it to Node (GOAWAY INTERNAL_ERROR after 1,000 resets in a burst).
   */
  maxPrematureResets?: number;
  /**
   * The services to serve: streamlab's own (Ticker, Delivery) from
   * `createStreamlabServices` (src/services/streamlab-services.ts), a mock's, or any.
   */
  services: ServiceRegistration[];
  /**
   * Serve the admin services beside `services`: gRPC health checking
   * (grpc.health.v1.Health: SERVING for "" and each service, NOT_SERVING from the start of
   * `shutdown()`), server reflection v1 and v1alpha (describing every served service) and
   * channelz; see src/server/admin/admin-services.ts. Their calls are observed like every
   * call. Default true; false serves `services` alone (bare, e.g. for benchmarks).
   */
  admin?: boolean;
}

/** Defaults of {@link ServerOptions}. */
export const SERVER_DEFAULTS = { keepaliveTimeMs: 30_000, keepaliveTimeoutMs: 10_000, shutdownGraceMs: 5_000, maxConcurrentStreams: 10_000 } as const;

/** After the grace period, how long the last statuses may take to flush before connections are destroyed, ms. */
const FORCE_CLOSE_AFTER_MS = 1_000;

/** Where a server listens. Port 0 picks a free port. */
export interface ListenAddress {
  host: string;
  port: number;
}

/**
 * Adds `service` to `grpcServer` (its calls are observed by the server's interceptor).
 * @throws Error naming the service and method when a handler is missing
 */
function addService(grpcServer: grpc.Server, service: ServiceRegistration): void {
  for (const name of Object.keys(service.definition)) {
    if (!service.handlers[name]) throw new Error(`service ${service.name} has no handler for method ${name}`);
  }
  grpcServer.addService(service.definition, service.handlers);
}

/**
 * Creates the server.
 * @param deps telemetry dependencies shared by every call
 * @param options the services, keepalive and shutdown; see {@link ServerOptions} for defaults
 * @throws Error when a service lacks a handler for one of its methods
 */
export function createServer(deps: TelemetryDeps, options: ServerOptions) {
  const connections = createConnectionTracker(deps);
  const sessions = createHttp2Sessions({ ...deps, connectionId: (peer) => connections.byPeer(peer)?.id }, {
    ...(options.maxPrematureResets !== undefined ? { maxPrematureResets: options.maxPrematureResets } : {}),
  });
  let shuttingDown = false;
  const observation = createServerObservation(deps, {
    connections, sessions,
    isShuttingDown: () => shuttingDown,
    ...(options.settleMs !== undefined ? { settleMs: options.settleMs } : {}),
  });
  const active = observation.active;
  const grpcServer = new grpc.Server({
    'grpc.keepalive_time_ms': options.keepaliveTimeMs ?? SERVER_DEFAULTS.keepaliveTimeMs,
    'grpc.keepalive_timeout_ms': options.keepaliveTimeoutMs ?? SERVER_DEFAULTS.keepaliveTimeoutMs,
    'grpc.max_concurrent_streams': options.maxConcurrentStreams ?? SERVER_DEFAULTS.maxConcurrentStreams,
    // grpc-js servers enforce no client PING policy (gRFC A8's min_ping_interval and
    // ping strikes are grpc-core/grpc-go features), so clients may ping every second, as
    // the blackhole scenario's clients do.
    interceptors: [observation.interceptor],
  });
  const services = options.services;
  const admin = (options.admin ?? true) ? createAdminServices(services) : undefined;
  for (const service of [...services, ...(admin?.registrations ?? [])]) addService(grpcServer, service);
  const injector = grpcServer.createConnectionInjector(grpc.ServerCredentials.createInsecure());
  const connectionAge = createConnectionAgeDrain({ sessions, active }, options.maxConnectionAge);
  const listener = net.createServer({ noDelay: true }, (socket) => {
    const connection = connections.track(socket);
    sessions.accept(socket);
    injector.injectConnection(socket);
    connectionAge.watch(connection, socket);
  });

  return {
    connections,
    /** Calls (streams of any RPC kind) open right now. */
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
     * Sends GOAWAY (NO_ERROR) on the HTTP/2 session whose peer is `peer` (grpc-js
     * `call.getPeer()`) and closes it once its streams have ended (the mock's scripted
     * `goaway`); the calls cancelled on it from then on end `server_shutdown`.
     * @returns false when no session has that peer
     */
    goaway(peer: string): boolean {
      return sessions.goaway(peer);
    },
    /**
     * Graceful shutdown: health NOT_SERVING (open Watch calls see it), stop accepting,
     * send GOAWAY, let calls run for the grace period, then end the rest with UNAVAILABLE
     * (end cause server_shutdown) and close. Resolves when every call has ended and every
     * connection is closed. Idempotent.
     */
    async shutdown(graceMs = options.shutdownGraceMs ?? SERVER_DEFAULTS.shutdownGraceMs): Promise<void> {
      if (shuttingDown) return;
      shuttingDown = true;
      admin?.setServing(false);
      listener.close();
      // GOAWAY on every session. Its callback does not wait for injected sessions, so
      // the drain is tracked here, by calls and connections.
      grpcServer.tryShutdown(() => {});
      const callsEnded = () => Promise.all([...active].map((call) => call.ended));
      await withTimeout(callsEnded(), graceMs);
      for (const call of active) {
        call.cut(new StreamlabError(grpc.status.UNAVAILABLE, 'server shutting down'), 'server_shutdown');
      }
      await callsEnded();
      // The last statuses are flushing and the sessions close once they are out; a peer
      // that does not read them gets its connection destroyed.
      await withTimeout(connections.allClosed(), FORCE_CLOSE_AFTER_MS);
      grpcServer.forceShutdown();
      observation.close();
      sessions.close();
    },
  };
}

/** The server built by {@link createServer}. */
export type StreamlabServer = ReturnType<typeof createServer>;
