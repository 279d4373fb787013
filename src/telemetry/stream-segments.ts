/**
 * `stream.segment` spans: a long-lived stream that has not ended is already visible in a
 * trace backend, because a child span of its RPC span closes every interval or every N
 * messages, whichever comes first (design §4). A stream shorter than one segment gets none.
 */
import type { Context, Tracer } from '@opentelemetry/api';
import { nowMs } from './lifecycle-event.ts';
import * as sc from './semconv.ts';

/** Options of {@link startStreamSegments}. */
export interface StreamSegmentsOptions {
  tracer: Tracer;
  /** Context whose active span is the stream's RPC span (the segments' parent). */
  parent: Context;
  streamId: string;
  /** A segment closes every this many ms. Default 30,000. */
  intervalMs?: number;
  /** ... or every this many messages, both directions counted. Default 1,000. */
  messages?: number;
  /** Called after each segment closes (the recorder flushes its metric counts then). */
  onClose?: () => void;
}

/** Starts segmenting a stream that opened now; call `sent()`/`received()` per message and `end()` once. */
export function startStreamSegments(options: StreamSegmentsOptions) {
  const perSegment = options.messages ?? 1000;
  let index = 0;
  let startMs = nowMs();
  let sent = 0;
  let received = 0;

  function close(): void {
    const endMs = nowMs();
    options.tracer
      .startSpan(sc.SPAN_STREAM_SEGMENT, {
        startTime: startMs,
        attributes: {
          [sc.ATTR_SEGMENT_INDEX]: index, [sc.ATTR_STREAM_ID]: options.streamId,
          [sc.ATTR_MESSAGES_SENT]: sent, [sc.ATTR_MESSAGES_RECEIVED]: received,
        },
      }, options.parent)
      .end(endMs);
    index += 1;
    startMs = endMs;
    sent = 0;
    received = 0;
    options.onClose?.();
  }

  const timer = setInterval(close, options.intervalMs ?? 30_000);
  timer.unref();
  return {
    /** Counts one message sent; closes the segment when it is full. */
    sent(): void {
      if (++sent + received >= perSegment) close();
    },
    /** Counts one message received; closes the segment when it is full. */
    received(): void {
      if (sent + ++received >= perSegment) close();
    },
    /** The stream ended: closes the last, partial segment if earlier ones were closed. */
    end(): void {
      clearInterval(timer);
      if (index > 0 && sent + received > 0) close();
    },
  };
}

/** The segmenter of one stream. */
export type StreamSegments = ReturnType<typeof startStreamSegments>;
