/**
 * `stream.segment` spans: a long-lived stream that has not ended is already visible in a
 * trace backend, because a child span of its RPC span closes every interval or every N
 * messages, whichever comes first (design §4). A stream shorter than one segment gets none.
 */
import type { Context, Tracer } from '@opentelemetry/api';
import type { Side } from './metrics.ts';
import { nowMs } from './lifecycle-event.ts';
import * as sc from './semconv.ts';

/** Options of {@link startStreamSegments}. */
export interface StreamSegmentsOptions {
  tracer: Tracer;
  /** Context whose active span is the stream's RPC span (the segments' parent). */
  parent: Context;
  side: Side;
  streamId: string;
  /** A segment closes every this many ms. Default 30,000. */
  intervalMs?: number;
  /** ... or every this many messages. Default 1,000. */
  messages?: number;
}

/** Starts segmenting a stream that opened now; call `message()` per message and `end()` once. */
export function startStreamSegments(options: StreamSegmentsOptions) {
  const perSegment = options.messages ?? 1000;
  const countKey = options.side === 'server' ? sc.ATTR_MESSAGES_SENT : sc.ATTR_MESSAGES_RECEIVED;
  let segment = { index: 0, startMs: nowMs(), messages: 0 };

  function close(): void {
    const endMs = nowMs();
    options.tracer
      .startSpan(sc.SPAN_STREAM_SEGMENT, {
        startTime: segment.startMs,
        attributes: { [sc.ATTR_SEGMENT_INDEX]: segment.index, [sc.ATTR_STREAM_ID]: options.streamId, [countKey]: segment.messages },
      }, options.parent)
      .end(endMs);
    segment = { index: segment.index + 1, startMs: endMs, messages: 0 };
  }

  const timer = setInterval(close, options.intervalMs ?? 30_000);
  timer.unref();
  return {
    /** Counts one message; closes the segment when it is full. */
    message(): void {
      segment.messages += 1;
      if (segment.messages >= perSegment) close();
    },
    /** The stream ended: closes the last, partial segment if earlier ones were closed. */
    end(): void {
      clearInterval(timer);
      if (segment.index > 0 && segment.messages > 0) close();
    },
  };
}
