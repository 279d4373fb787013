/**
 * What a load run counts: streams opened and ended (by end cause × gRPC code, and whether
 * the run itself cancelled them), messages both ways, and three latency distributions kept
 * in HdrHistograms (hdr-histogram-js: bounded memory whatever the run's length, values
 * within 0.1 %): connect latency, time to first message, inter-arrival of received messages.
 * Values are recorded in µs and reported in ms.
 */
import * as hdr from 'hdr-histogram-js';
import type { EndCause } from '../core/end-cause.ts';
import { END_CAUSES } from '../core/end-cause.ts';
import { grpcCodeName } from '../telemetry/grpc-status.ts';
import type { StreamEnd } from '../telemetry/lifecycle-event.ts';

/** A latency distribution, in ms. */
export interface Latency {
  /** Values recorded. */
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

/** Streams that ended one way, on the client side. */
export interface EndRow {
  end_cause: EndCause;
  /** The status name: OK, CANCELLED, UNAVAILABLE, ... */
  grpc_code: string;
  count: number;
  /** Of `count`, those the run cancelled at its end (still open when the duration was over). */
  ended_by_run: number;
}

/** 3 significant digits; auto-resizing, so a pathological wait is recorded rather than clamped. */
const newHistogram = () => hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: 3, autoResize: true });

const round = (value: number) => Math.round(value * 1000) / 1000;

/** Creates the counters of one run. */
export function createLoadStats() {
  const connect = newHistogram();
  const firstMessage = newHistogram();
  const interArrival = newHistogram();
  const ends = new Map<string, EndRow>();
  let opened = 0;
  let ended = 0;
  let sent = 0;
  let received = 0;

  const record = (histogram: hdr.Histogram, ms: number) => histogram.recordValue(Math.max(1, Math.round(ms * 1000)));
  // A percentile is the top of its bucket (within 0.1 %), which can pass the exact max: capped at it.
  const latency = (histogram: hdr.Histogram): Latency | null => {
    if (histogram.totalCount === 0) return null;
    const at = (percentile: number) => round(Math.min(histogram.getValueAtPercentile(percentile), histogram.maxValue) / 1000);
    return { count: histogram.totalCount, p50: at(50), p95: at(95), p99: at(99), max: round(histogram.maxValue / 1000), mean: round(histogram.mean / 1000) };
  };

  return {
    /** A stream was opened. */
    opened(): void {
      opened += 1;
    },
    /** Time from opening a stream to its response headers (unary: to its response), ms. */
    connect(ms: number): void {
      record(connect, ms);
    },
    /** Time from opening a stream to its first received message, ms. */
    firstMessage(ms: number): void {
      record(firstMessage, ms);
    },
    /** Time between two consecutive messages received on one stream, ms. */
    interArrival(ms: number): void {
      record(interArrival, ms);
    },
    /** A stream ended; `byRun` when the run cancelled it at its end. */
    ended(end: StreamEnd, byRun: boolean): void {
      ended += 1;
      sent += end.sent;
      received += end.received;
      const code = grpcCodeName(end.grpcCode);
      const key = `${end.endCause}/${code}`;
      const row = ends.get(key) ?? { end_cause: end.endCause, grpc_code: code, count: 0, ended_by_run: 0 };
      row.count += 1;
      if (byRun) row.ended_by_run += 1;
      ends.set(key, row);
    },
    /** Counts so far: streams opened and ended, messages of the ended streams. */
    counts(): { opened: number; ended: number; sent: number; received: number } {
      return { opened, ended, sent, received };
    },
    /** The end rows, in the order of END_CAUSES, then by code. */
    ends(): EndRow[] {
      return [...ends.values()].sort((a, b) => END_CAUSES.indexOf(a.end_cause) - END_CAUSES.indexOf(b.end_cause) || a.grpc_code.localeCompare(b.grpc_code));
    },
    /** The three distributions (null when nothing was recorded). */
    latencies(): { connect_ms: Latency | null; first_message_ms: Latency | null; inter_arrival_ms: Latency | null } {
      return { connect_ms: latency(connect), first_message_ms: latency(firstMessage), inter_arrival_ms: latency(interArrival) };
    },
    /** Frees the histograms (hdr-histogram-js may hold WebAssembly memory). */
    destroy(): void {
      for (const histogram of [connect, firstMessage, interArrival]) histogram.destroy();
    },
  };
}

/** The counters built by {@link createLoadStats}. */
export type LoadStats = ReturnType<typeof createLoadStats>;
