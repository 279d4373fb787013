/**
 * Max connection age (gRFC A9), with the cut said out loud. grpc-js sends the GOAWAY itself
 * (`grpc.max_connection_age_ms`, ±10 % jitter, debug data `max_age`) and, after
 * `grpc.max_connection_age_grace_ms`, destroys the session: every call still open gets
 * RST_STREAM NO_ERROR and no status, which a grpc-js client reports as `INTERNAL: Received
 * RST_STREAM with code 0 (Call ended without gRPC status)` and the server as a cancel (both
 * measured with grpc-js 1.14.7, Node 24). So streamlab ends those calls itself when the grace
 * is over, as its shutdown does: UNAVAILABLE with the trailer `streamlab-end-cause:
 * server_shutdown`, on the connection that aged out only; grpc-js's own destroy follows
 * {@link AGE_BACKSTOP_MS} later, for calls that do not end.
 */
import type http2 from 'node:http2';
import type { Socket } from 'node:net';
import * as grpc from '@grpc/grpc-js';
import { StreamlabError } from '../core/errors.ts';
import type { ConnectionTracker } from '../rpc/server/connection-tracker.ts';
import type { OpenServerCall } from '../rpc/server/server-call-shared.ts';

/** The max connection age of a server, ms. */
export interface MaxConnectionAge {
  /** GOAWAY a connection this old (grpc-js adds ±10 % jitter). */
  ageMs: number;
  /** After that GOAWAY, end the calls still open this much later. Default: never. */
  graceMs?: number;
}

/** How long after our own end of the calls grpc-js may destroy the session, ms: the statuses flush first. */
export const AGE_BACKSTOP_MS = 1_000;

/** The debug data of grpc-js's max-age GOAWAY (server.ts `kMaxAge`). */
const MAX_AGE_DEBUG_DATA = 'max_age';

/** grpc-js server options for `age`: its grace moved {@link AGE_BACKSTOP_MS} past ours. */
export function maxConnectionAgeOptions(age: MaxConnectionAge | undefined): grpc.ServerOptions {
  if (!age) return {};
  return {
    'grpc.max_connection_age_ms': age.ageMs,
    ...(age.graceMs !== undefined ? { 'grpc.max_connection_age_grace_ms': age.graceMs + AGE_BACKSTOP_MS } : {}),
  };
}

/** What the drain needs from the server. */
export interface ConnectionAgeDeps {
  grpcServer: grpc.Server;
  connections: ConnectionTracker;
  /** The server's open calls. */
  active: ReadonlySet<OpenServerCall>;
}

/**
 * Creates the per-connection drain; `watch(socket)` each socket right after injecting it.
 * grpc-js has no public hook for its own GOAWAY: the session of an injected socket is read
 * from its private `sessions` map (as `goaway(peer)` in create-server.ts does); should that
 * change, nothing is watched and grpc-js's own cut applies.
 */
export function createConnectionAgeDrain(deps: ConnectionAgeDeps, age: MaxConnectionAge | undefined) {
  const sessions = (deps.grpcServer as unknown as { sessions?: Map<http2.ServerHttp2Session, unknown> }).sessions;
  return {
    /** Watches the session grpc-js made for `socket` (none when no grace is set). */
    watch(socket: Socket): void {
      if (age?.graceMs === undefined || !sessions) return;
      const graceMs = age.graceMs;
      const session = [...sessions.keys()].find((candidate) => candidate.socket?.remotePort === socket.remotePort && candidate.socket?.remoteAddress === socket.remoteAddress);
      const connection = deps.connections.byPeer(`${socket.remoteAddress}:${socket.remotePort}`);
      if (!session || !connection) return;
      const goaway = session.goaway.bind(session);
      session.goaway = (code?: number, lastStreamId?: number, opaqueData?: NodeJS.ArrayBufferView) => {
        goaway(code, lastStreamId, opaqueData);
        if (!opaqueData || Buffer.from(opaqueData.buffer, opaqueData.byteOffset, opaqueData.byteLength).toString() !== MAX_AGE_DEBUG_DATA) return;
        const timer = setTimeout(() => {
          const error = new StreamlabError(grpc.status.UNAVAILABLE, `max connection age: connection drained after ${age.ageMs} ms + ${graceMs} ms grace`);
          for (const call of deps.active) if (call.connectionId === connection.id) call.cut(error, 'server_shutdown');
        }, graceMs);
        timer.unref();
        void connection.settled.then(() => clearTimeout(timer));
      };
    },
  };
}
