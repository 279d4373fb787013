/**
 * The server's HTTP/2 sessions, seen through Node's diagnostics_channel (no private field of
 * grpc-js or Node is read): `http2.server.stream.start` fires right before the HTTP/2 server's
 * 'stream' event, so before grpc-js builds the call, and `http2.server.stream.close` carries
 * `stream.rstCode`; `stream.session` is public. The channels are process-wide: a tracker keeps
 * the sessions of the sockets its own server accepted (`accept(socket)`), by their TCP 4-tuple.
 *
 * What it does with them:
 * - sends GOAWAY on one session and records it (`goaway(peer, code)`: the mock's scripted
 *   GOAWAY), so the calls that end after it on that session are recorded as ended by it;
 * - rapid reset (CVE-2023-44487): a peer that resets streams (RST_STREAM, any code) before the
 *   server answered them, within 1 s of opening them ("premature resets", Envoy's term), gets GOAWAY
 *   ENHANCE_YOUR_CALM (RFC 9113 §7: "exhibiting a behavior that might be generating excessive
 *   load") once it has made {@link RAPID_RESET_DEFAULTS} of them and they are at least half of
 *   its streams (Envoy's rule). Node's own nghttp2 answers such a flood too, with GOAWAY
 *   INTERNAL_ERROR after 1,000 resets in a burst, but the server's code never learns that it
 *   did (no event: the session just closes); this tracker acts before it, and knows.
 * Each GOAWAY it sends is a connection event: a log record `goaway sent` and
 * `streamlab_goaways_sent_total{error_code}`.
 */
import dc from 'node:diagnostics_channel';
import http2 from 'node:http2';
import type { Socket } from 'node:net';
import { Counter } from 'prom-client';
import { nowMs } from '../../core/clock.ts';
import { http2ErrorName } from '../../core/http2-errors.ts';
import type { Http2ErrorName } from '../../core/http2-errors.ts';
import type { Logger } from '../../telemetry/logger.ts';
import type { Metrics } from '../../telemetry/metrics.ts';
import * as sc from '../../telemetry/semconv.ts';
import { metricOptions } from '../../telemetry/metric-specs.ts';

/** The rapid-reset bound: GOAWAY ENHANCE_YOUR_CALM at this many premature resets, when they are at least half of the session's streams. */
export const RAPID_RESET_DEFAULTS = { prematureResets: 500, lifetimeMs: 1_000 } as const;

/** A GOAWAY this server sent on a session. */
export interface SentGoaway {
  errorCode: number;
  errorName: Http2ErrorName;
  /** The last stream id the server said it processed. */
  lastStreamId: number;
  /** When, epoch ms (src/core/clock.ts). */
  atMs: number;
  /** Why: `rapid reset` or `scripted`. */
  reason: string;
}

interface SessionRecord {
  readonly peer: string;
  streams: number;
  prematureResets: number;
  /** The rapid-reset GOAWAY is on its way (sent at the end of the current read). */
  goawayDue?: boolean;
  goaway?: SentGoaway;
}

/** Options of {@link createHttp2Sessions}. */
export interface Http2SessionsOptions {
  /** Premature resets that get a session GOAWAY ENHANCE_YOUR_CALM; 0 never. Default 500. */
  maxPrematureResets?: number;
}

/** What a tracker reports to. */
export interface Http2SessionsDeps {
  metrics: Pick<Metrics, 'registry'>;
  logger: Logger;
  /** The connection id of a peer (`conn-N`), for the log records. */
  connectionId?(peer: string): string | undefined;
}

const goawayCounters = new WeakMap<Metrics['registry'], Counter>();

/** `streamlab_goaways_sent_total{error_code}` of `registry`, created on first use. */
export function goawayCounterOf(registry: Metrics['registry']): Counter {
  let counter = goawayCounters.get(registry);
  if (!counter) {
    counter = new Counter({ ...metricOptions(sc.METRIC_GOAWAYS_SENT), registers: [registry] });
    goawayCounters.set(registry, counter);
  }
  return counter;
}

const fourTuple = (socket: Pick<Socket, 'localAddress' | 'localPort' | 'remoteAddress' | 'remotePort'>) =>
  `${socket.localAddress}:${socket.localPort}-${socket.remoteAddress}:${socket.remotePort}`;

/** Creates a tracker; `close()` unsubscribes it. */
export function createHttp2Sessions(deps: Http2SessionsDeps, options: Http2SessionsOptions = {}) {
  const maxPremature = options.maxPrematureResets ?? RAPID_RESET_DEFAULTS.prematureResets;
  const goaways = goawayCounterOf(deps.metrics.registry);
  /** Accepted sockets not yet seen as a session, by 4-tuple. */
  const accepted = new Set<string>();
  const records = new WeakMap<http2.Http2Session, SessionRecord | null>();
  const byPeer = new Map<string, { session: http2.Http2Session; record: SessionRecord }>();
  const openedAt = new WeakMap<http2.ServerHttp2Stream, number>();

  function recordOf(session: http2.Http2Session | undefined): SessionRecord | undefined {
    if (!session) return undefined;
    const known = records.get(session);
    if (known !== undefined) return known ?? undefined;
    const socket = session.socket;
    const key = fourTuple(socket);
    if (!accepted.delete(key)) {
      records.set(session, null); // another server's session
      return undefined;
    }
    const record: SessionRecord = { peer: `${socket.remoteAddress}:${socket.remotePort}`, streams: 0, prematureResets: 0 };
    records.set(session, record);
    byPeer.set(record.peer, { session, record });
    session.once('close', () => byPeer.delete(record.peer));
    return record;
  }

  function sendGoaway(session: http2.Http2Session, record: SessionRecord, code: number, reason: string): SentGoaway {
    const lastStreamId = session.state.lastProcStreamID ?? 0;
    const goaway: SentGoaway = { errorCode: code, errorName: http2ErrorName(code), lastStreamId, atMs: nowMs(), reason };
    record.goaway = goaway;
    session.goaway(code, lastStreamId);
    goaways.inc({ error_code: goaway.errorName });
    const connectionId = deps.connectionId?.(record.peer);
    deps.logger.log(code === http2.constants.NGHTTP2_NO_ERROR ? 'info' : 'warn', 'goaway sent', {
      event: 'goaway', ...(connectionId ? { connection_id: connectionId } : {}), peer: record.peer,
      error_code: goaway.errorName, last_stream_id: lastStreamId, reason, streams: record.streams, premature_resets: record.prematureResets,
    });
    return goaway;
  }

  const onStart = (message: unknown) => {
    const { stream } = message as { stream: http2.ServerHttp2Stream };
    const record = recordOf(stream.session);
    if (!record) return;
    record.streams += 1;
    openedAt.set(stream, performance.now());
  };
  const onClose = (message: unknown) => {
    const { stream } = message as { stream: http2.ServerHttp2Stream };
    const session = stream.session;
    const record = session ? records.get(session) : undefined;
    if (!record || record.goaway || maxPremature <= 0) return;
    const opened = openedAt.get(stream);
    // `aborted`: the peer reset it (RST_STREAM with any code, CANCEL or NO_ERROR alike).
    const premature = stream.aborted && !stream.headersSent
      && opened !== undefined && performance.now() - opened < RAPID_RESET_DEFAULTS.lifetimeMs;
    if (!premature) return;
    record.prematureResets += 1;
    if (record.prematureResets >= maxPremature && record.prematureResets * 2 >= record.streams && session && !record.goawayDue) {
      // At the end of the read that carried the bound's reset: the resets read before the
      // GOAWAY goes out (this one included) were cancels on a live connection.
      record.goawayDue = true;
      setImmediate(() => {
        if (session.destroyed || record.goaway) return;
        sendGoaway(session, record, http2.constants.NGHTTP2_ENHANCE_YOUR_CALM, 'rapid reset');
        session.destroy();
      });
    }
  };
  dc.subscribe('http2.server.stream.start', onStart);
  dc.subscribe('http2.server.stream.close', onClose);

  return {
    /** A socket this server accepted: its HTTP/2 session is tracked. Call before injecting it. */
    accept(socket: Socket): void {
      accepted.add(fourTuple(socket));
      socket.once('close', () => accepted.delete(fourTuple(socket)));
    },
    /**
     * The session of `peer` (grpc-js `call.getPeer()`) while it is open: a call keeps it, and
     * its `goaway` shows a GOAWAY the server sends on it later.
     */
    sessionOf(peer: string): { readonly goaway?: SentGoaway } | undefined {
      return byPeer.get(peer)?.record;
    },
    /**
     * Sends GOAWAY with `code` (default NO_ERROR) on the session of `peer` and closes it once
     * its streams have ended.
     * @returns false when no session of this server has that peer
     */
    goaway(peer: string, code: number = http2.constants.NGHTTP2_NO_ERROR, reason = 'scripted'): boolean {
      const found = byPeer.get(peer);
      if (!found) return false;
      if (!found.record.goaway) sendGoaway(found.session, found.record, code, reason);
      found.session.close();
      return true;
    },
    /** Stops listening to the channels. */
    close(): void {
      dc.unsubscribe('http2.server.stream.start', onStart);
      dc.unsubscribe('http2.server.stream.close', onClose);
    },
  };
}

/** The tracker built by {@link createHttp2Sessions}. */
export type Http2Sessions = ReturnType<typeof createHttp2Sessions>;
