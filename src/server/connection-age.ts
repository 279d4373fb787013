/**
 * Max connection age (gRFC A9), with the cut said out loud. A connection older than `ageMs`
 * (±10 % jitter, as gRFC A9 asks) gets GOAWAY NO_ERROR, so its client opens a new connection
 * (and re-resolves) for new calls while the calls in flight go on; `graceMs` later, the calls
 * still open on it end UNAVAILABLE with the trailer `streamlab-end-cause: server_shutdown`, as
 * streamlab's shutdown ends them, and the connection is destroyed {@link AGE_BACKSTOP_MS}
 * after that, once their statuses have flushed.
 *
 * streamlab does this itself instead of passing grpc-js its `grpc.max_connection_age_ms` and
 * `grpc.max_connection_age_grace_ms`: grpc-js ends the grace by destroying the session, so
 * every call still open gets RST_STREAM NO_ERROR and no status — a grpc-js client reads
 * `INTERNAL: Received RST_STREAM with code 0`, the server a plain cancel (measured with
 * grpc-js 1.14.7) — and it has no public hook for its GOAWAY. The session is reached through
 * the server's session tracker (src/rpc/server/http2-sessions.ts: Node's diagnostics
 * channels), so nothing of grpc-js or Node is patched or read privately.
 */
import http2 from 'node:http2';
import type { Socket } from 'node:net';
import * as grpc from '@grpc/grpc-js';
import { StreamlabError } from '../core/errors.ts';
import type { TrackedConnection } from '../rpc/server/connection-tracker.ts';
import type { Http2Sessions } from '../rpc/server/http2-sessions.ts';
import type { OpenServerCall } from '../rpc/server/server-call-shared.ts';

/** The max connection age of a server, ms. */
export interface MaxConnectionAge {
  /** GOAWAY a connection this old (±10 % jitter). */
  ageMs: number;
  /** After that GOAWAY, end the calls still open this much later. Default: never. */
  graceMs?: number;
}

/** How long after the end of the calls the aged connection is destroyed, ms: their statuses flush first. */
export const AGE_BACKSTOP_MS = 1_000;

/** The jitter of the age, as a share of it (gRFC A9: ±10 %). */
const JITTER = 0.1;

/** What the drain needs from the server. */
export interface ConnectionAgeDeps {
  sessions: Pick<Http2Sessions, 'goaway'>;
  /** The server's open calls. */
  active: ReadonlySet<OpenServerCall>;
}

/** Creates the drain; `watch(connection, socket)` each accepted socket. */
export function createConnectionAgeDrain(deps: ConnectionAgeDeps, age: MaxConnectionAge | undefined) {
  /** The aged connection's GOAWAY, then its grace. */
  function drain(connection: TrackedConnection, socket: Socket): void {
    if (connection.fate) return;
    if (!deps.sessions.goaway(connection.peer, http2.constants.NGHTTP2_NO_ERROR, 'max connection age')) {
      socket.end(); // no stream ever opened on it: nothing to drain, the client reconnects when it needs to
      return;
    }
    if (age?.graceMs === undefined) return;
    const graceMs = age.graceMs;
    const grace = setTimeout(() => {
      const error = new StreamlabError(grpc.status.UNAVAILABLE, `max connection age: connection drained after ${age.ageMs} ms + ${graceMs} ms grace`);
      for (const call of deps.active) if (call.connectionId === connection.id) call.cut(error, 'server_shutdown');
      setTimeout(() => socket.destroy(), AGE_BACKSTOP_MS).unref();
    }, graceMs);
    grace.unref();
    void connection.settled.then(() => clearTimeout(grace));
  }

  return {
    /** Starts the age of an accepted connection (nothing when no max age is set). */
    watch(connection: TrackedConnection, socket: Socket): void {
      if (!age) return;
      const jittered = age.ageMs * (1 + JITTER * (2 * Math.random() - 1));
      const timer = setTimeout(() => drain(connection, socket), jittered);
      timer.unref();
      void connection.settled.then(() => clearTimeout(timer));
    },
  };
}
