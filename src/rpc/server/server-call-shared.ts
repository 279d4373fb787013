/**
 * What every observed call of one server shares: its call telemetry, its connections, its
 * span handling, its shutdown state and the set of calls open right now.
 */
import type { EndCause } from '../../core/end-cause.ts';
import type { CallTelemetry } from '../../telemetry/call-telemetry.ts';
import type { StreamEnd } from '../../telemetry/lifecycle-event.ts';
import type { ConnectionTracker, TrackedConnection } from './connection-tracker.ts';
import type { SentGoaway } from './http2-sessions.ts';
import type { ServerSpans } from './server-spans.ts';

/** An open call, as the server's shutdown sees it. */
export interface OpenServerCall {
  readonly ended: Promise<StreamEnd>;
  /** The tracked TCP connection that carries the call (`conn-N`), when known. */
  readonly connectionId: string | undefined;
  /**
   * Ends the call now with the status `error` maps to, as `cause` (server_shutdown), sending
   * the status directly: a handler blocked on a full stream cannot hold it back.
   */
  cut(error: unknown, cause: EndCause): void;
}

/** Shared by the calls of one server. */
export interface ServerCallShared {
  readonly telemetry: CallTelemetry;
  readonly connections: ConnectionTracker;
  readonly spans: ServerSpans;
  /** Calls open right now; a call joins when its metadata arrives and leaves once its end is recorded. */
  readonly active: Set<OpenServerCall>;
  /** True once the server has begun shutting down. */
  isShuttingDown(): boolean;
  /** Waits (bounded by the settle window) for `connection` to close fully after a cancel. */
  settle(connection: TrackedConnection): Promise<void>;
  /** How late this process's timers ran in the last second or two, ms (src/core/timer-lateness.ts). */
  readonly timerLatenessMs: () => number;
  /** The HTTP/2 session of `peer` (http2-sessions.ts): a GOAWAY the server sent on it shows there. */
  sessionOf(peer: string): { readonly goaway?: SentGoaway } | undefined;
}
