/**
 * The server's view of its TCP connections: it owns every socket before grpc-js sees it
 * (design §1), so it knows each socket's fate — FIN, RST, or destroyed by the server itself
 * (keepalive timeout, shutdown) — which grpc-js does not tell.
 */
import type { Socket } from 'node:net';
import { watchSocketFate } from '../../core/socket-fate.ts';
import type { SocketWatch } from '../../core/socket-fate.ts';
import type { Logger } from '../../telemetry/logger.ts';
import type { Metrics } from '../../telemetry/metrics.ts';

/** One tracked TCP connection. */
export interface TrackedConnection extends SocketWatch {
  /** `conn-N`, unique in this server. */
  readonly id: string;
  /** `address:port` of the peer, the same string grpc-js's `call.getPeer()` returns. */
  readonly peer: string;
}

/** Dependencies of {@link createConnectionTracker}. */
export interface ConnectionTrackerDeps {
  metrics: Metrics;
  logger: Logger;
}

/** Creates an empty tracker. `track(socket)` every accepted socket before injecting it. */
export function createConnectionTracker(deps: ConnectionTrackerDeps) {
  const byPeer = new Map<string, TrackedConnection>();
  /** Every connection not yet fully closed (a half-closed one has left byPeer already). */
  const open = new Set<TrackedConnection>();
  let nextId = 1;

  return {
    /** Starts watching `socket`; returns its record. */
    track(socket: Socket): TrackedConnection {
      const peer = `${socket.remoteAddress}:${socket.remotePort}`;
      const id = `conn-${nextId++}`;
      const connection: TrackedConnection = Object.assign(watchSocketFate(socket), { id, peer });
      byPeer.set(peer, connection);
      open.add(connection);
      void connection.fullyClosed.then(() => open.delete(connection));
      deps.metrics.connectionsActive.inc();
      deps.logger.debug('connection open', { connection_id: id, peer });
      void connection.settled.then((fate) => {
        byPeer.delete(peer);
        deps.metrics.connectionsActive.dec();
        deps.metrics.connectionCloses.inc({ close_kind: fate.kind });
        deps.logger.info('connection closed', {
          event: 'transport.close', connection_id: id, peer, close_kind: fate.kind,
          ...(fate.errorCode ? { error_code: fate.errorCode } : {}),
        });
      });
      return connection;
    },
    /** The open connection whose peer is `peer` (from `call.getPeer()`). */
    byPeer(peer: string): TrackedConnection | undefined {
      return byPeer.get(peer);
    },
    /**
     * Resolves once every connection open now is fully closed (its 'close' event: both
     * halves done). After a local close toward a silent peer 'close' may never come, so
     * callers bound the wait.
     */
    async allClosed(): Promise<void> {
      await Promise.all([...open].map((connection) => connection.fullyClosed));
    },
  };
}

/** The tracker returned by {@link createConnectionTracker}. */
export type ConnectionTracker = ReturnType<typeof createConnectionTracker>;
