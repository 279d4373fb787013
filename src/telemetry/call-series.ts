/**
 * The per-call counters and gauges of metrics.ts, kept as plain numbers between scrapes.
 *
 * A call touches eight counter and gauge series in its life (started, active up and down,
 * the message counters, ends by cause, handled by code); prom-client hashes a label set
 * and validates it on every one of them. Here a call finds its {@link CallSeries} once per
 * moment by a string key and adds integers; prom-client hears the sums on the next scrape,
 * through the metrics' `collect` hook ({@link CallSeriesBatch.apply}), one `inc` per
 * series that moved. Histograms are not batched: their buckets are prom-client's.
 *
 * What a scrape shows is what it showed before: the same series with the same values
 * (a series that moved and came back, such as streams active, is written with 0). An
 * exemplar is the latest trace id of the series at the scrape, with value 1 (one call), and
 * its timestamp the scrape's (prom-client stamps exemplars when `inc` is called).
 */
import type { Counter, Gauge } from 'prom-client';
import type { MethodInfo } from '../core/method-info.ts';
import { grpcCodeLabel } from './grpc-status.ts';
import type { Side } from './lifecycle-event.ts';

/** The counters and gauges of one side that {@link CallSeriesBatch} writes. */
export interface BatchedSideMetrics {
  started: Counter;
  handled: Counter;
  msgSent: Counter;
  msgReceived: Counter;
}

/** Every counter and gauge {@link CallSeriesBatch} writes (created in metrics.ts). */
export interface BatchedMetrics {
  server: BatchedSideMetrics;
  client: BatchedSideMetrics;
  streamsActive: Gauge;
  streamEnds: Counter;
  streamMessages: Counter;
}

/** A count and the latest trace id ('' when none recorded) of one labelled outcome. */
interface Tally {
  count: number;
  traceId: string;
}

/** The pending counts of one `(side, scenario, method)`. */
export class CallSeries {
  readonly side: Side;
  readonly scenario: string;
  readonly method: MethodInfo;
  started = 0;
  startedTraceId = '';
  /** Streams opened minus streams ended since the last apply. */
  activeDelta = 0;
  /** Whether streams active moved at all since the last apply (a net 0 is still written). */
  activeMoved = false;
  msgSent = 0;
  msgReceived = 0;
  /** Messages of the data direction (streamlab_stream_messages_total). */
  dataMessages = 0;
  /** Ends by end cause. */
  readonly ends = new Map<string, Tally>();
  /** Handled calls by gRPC status code. */
  readonly handled = new Map<number, Tally>();
  /** Whether the series sits in the batch's dirty list. */
  dirty = false;

  constructor(side: Side, scenario: string, method: MethodInfo) {
    this.side = side;
    this.scenario = scenario;
    this.method = method;
  }
}

/** Adds one to the tally of `key` in `tallies`, remembering `traceId` when there is one. */
function tally<K>(tallies: Map<K, Tally>, key: K, traceId: string): void {
  const entry = tallies.get(key);
  if (entry) {
    entry.count += 1;
    if (traceId) entry.traceId = traceId;
  } else {
    tallies.set(key, { count: 1, traceId });
  }
}

/**
 * Adds `count` to the series `labels` of `counter`, the last one with the exemplar `traceId`
 * (none for ''): prom-client gives an exemplar the value of the `inc` that carried it, and an
 * exemplar stands for one call.
 */
function incWithExemplar(counter: Counter, labels: Record<string, string>, count: number, traceId: string): void {
  if (!traceId) return counter.inc({ labels, value: count } as never);
  if (count > 1) counter.inc({ labels, value: count - 1 } as never);
  counter.inc({ labels, value: 1, exemplarLabels: { trace_id: traceId } } as never);
}

/**
 * The pending counts of every series of a registry's calls. Not thread-safe, not needed:
 * one event loop adds and applies.
 */
export class CallSeriesBatch {
  readonly #metrics: BatchedMetrics;
  readonly #series = new Map<string, CallSeries>();
  #dirty: CallSeries[] = [];

  constructor(metrics: BatchedMetrics) {
    this.#metrics = metrics;
  }

  /** The series of `(side, scenario, method)`, marked to be applied on the next scrape. */
  of(side: Side, scenario: string, method: MethodInfo): CallSeries {
    const key = `${side}\u0000${scenario}\u0000${method.path}`;
    let series = this.#series.get(key);
    if (!series) {
      series = new CallSeries(side, scenario, method);
      this.#series.set(key, series);
    }
    if (!series.dirty) {
      series.dirty = true;
      this.#dirty.push(series);
    }
    return series;
  }

  /** A call opened. */
  opened(series: CallSeries, traceId: string): void {
    series.started += 1;
    if (traceId) series.startedTraceId = traceId;
    series.activeDelta += 1;
    series.activeMoved = true;
  }

  /** A call ended with `cause` and gRPC status `code`. */
  ended(series: CallSeries, cause: string, code: number, traceId: string): void {
    series.activeDelta -= 1;
    series.activeMoved = true;
    tally(series.ends, cause, traceId);
    tally(series.handled, code, traceId);
  }

  /** Writes every pending count into prom-client (the metrics' `collect` hook calls it). */
  apply(): void {
    if (this.#dirty.length === 0) return;
    const dirty = this.#dirty;
    this.#dirty = [];
    for (const series of dirty) this.#applyOne(series);
  }

  #applyOne(series: CallSeries): void {
    series.dirty = false;
    const metrics = this.#metrics;
    const grpc = series.side === 'server' ? metrics.server : metrics.client;
    const grpcLabels = series.method.grpcLabels;
    // Label objects in the metrics' labelNames order: prom-client writes them as given.
    const stream = { side: series.side, scenario: series.scenario, grpc_service: series.method.service };
    if (series.started > 0) {
      incWithExemplar(grpc.started, grpcLabels, series.started, series.startedTraceId);
      series.started = 0;
    }
    if (series.activeMoved) {
      metrics.streamsActive.inc(stream, series.activeDelta);
      series.activeDelta = 0;
      series.activeMoved = false;
    }
    if (series.msgSent > 0) grpc.msgSent.inc(grpcLabels, series.msgSent);
    if (series.msgReceived > 0) grpc.msgReceived.inc(grpcLabels, series.msgReceived);
    if (series.dataMessages > 0) metrics.streamMessages.inc(stream, series.dataMessages);
    series.msgSent = series.msgReceived = series.dataMessages = 0;
    for (const [cause, { count, traceId }] of series.ends) {
      incWithExemplar(metrics.streamEnds, { side: series.side, end_cause: cause, scenario: series.scenario, grpc_service: series.method.service }, count, traceId);
    }
    series.ends.clear();
    for (const [code, { count, traceId }] of series.handled) {
      incWithExemplar(grpc.handled, { ...grpcLabels, grpc_code: grpcCodeLabel(code) }, count, traceId);
    }
    series.handled.clear();
  }
}
