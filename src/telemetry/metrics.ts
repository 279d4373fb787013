/**
 * streamlab's Prometheus metrics (design §4; declared in metric-specs.ts), on a registry the app creates — never
 * prom-client's global default, so tests and embedded servers each get their own.
 *
 * The registry speaks OpenMetrics so counters and histograms can carry a `trace_id`
 * exemplar (prom-client supports exemplars only in that format; Prometheus must run with
 * `--enable-feature=exemplar-storage` to keep them).
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { OpenMetricsContentType } from 'prom-client';
import * as names from './semconv.ts';
import { fleetMetrics } from './fleet-metrics.ts';
import { busMetrics } from './bus-metrics.ts';
import { CallSeriesBatch } from './call-series.ts';
import { metricOptions } from './metric-specs.ts';

import type { Side } from './lifecycle-event.ts';

export type { Side } from './lifecycle-event.ts';

/**
 * Per-message counts are kept in plain numbers by each open stream and handed to the
 * {@link CallSeriesBatch} in batches (every segment, at the stream's end, and on every scrape
 * through prom-client's `collect` hook), so the per-message path never hashes label sets.
 */
export interface PendingCounts {
  /** Adds what the stream counted since the last flush to the counters. */
  flushCounts(): void;
}

function grpcMetrics(registry: Registry<OpenMetricsContentType>, side: Side, flushAll: () => void) {
  const registers = [registry];
  const isServer = side === 'server';
  return {
    started: new Counter({ ...metricOptions(isServer ? names.METRIC_GRPC_SERVER_STARTED : names.METRIC_GRPC_CLIENT_STARTED), registers, collect: flushAll }),
    handled: new Counter({ ...metricOptions(isServer ? names.METRIC_GRPC_SERVER_HANDLED : names.METRIC_GRPC_CLIENT_HANDLED), registers, collect: flushAll }),
    msgReceived: new Counter({ ...metricOptions(isServer ? names.METRIC_GRPC_SERVER_MSG_RECEIVED : names.METRIC_GRPC_CLIENT_MSG_RECEIVED), registers, collect: flushAll }),
    msgSent: new Counter({ ...metricOptions(isServer ? names.METRIC_GRPC_SERVER_MSG_SENT : names.METRIC_GRPC_CLIENT_MSG_SENT), registers, collect: flushAll }),
    handlingSeconds: new Histogram({ ...metricOptions(isServer ? names.METRIC_GRPC_SERVER_HANDLING_SECONDS : names.METRIC_GRPC_CLIENT_HANDLING_SECONDS), registers }),
  };
}

/**
 * Creates every streamlab metric on `registry`.
 * @param registry an OpenMetrics registry (see {@link createRegistry}); the metrics are
 *   registered on it and on no other.
 * @throws Error from prom-client when a metric of the same name is already registered.
 */
export function createMetrics(registry: Registry<OpenMetricsContentType>) {
  const registers = [registry];
  const pending = new Set<PendingCounts>();
  // Every counter and gauge a call moves collects through this: the open streams' message
  // counts go into the batch, the batch into prom-client (call-series.ts).
  const flushAll = () => {
    for (const stream of pending) stream.flushCounts();
    batch.apply();
  };
  const metrics = {
    registry,
    /** Open streams whose message counts are flushed on every scrape (see {@link PendingCounts}). */
    pending,
    server: grpcMetrics(registry, 'server', flushAll),
    client: grpcMetrics(registry, 'client', flushAll),
    streamsActive: new Gauge({ ...metricOptions(names.METRIC_STREAMS_ACTIVE), registers, collect: flushAll }),
    streamEnds: new Counter({ ...metricOptions(names.METRIC_STREAM_ENDS), registers, collect: flushAll }),
    streamMessages: new Counter({ ...metricOptions(names.METRIC_STREAM_MESSAGES), registers, collect: flushAll }),
    detectionSeconds: new Histogram({ ...metricOptions(names.METRIC_DETECTION_SECONDS), registers }),
    backpressureWaitSeconds: new Histogram({ ...metricOptions(names.METRIC_BACKPRESSURE_WAIT_SECONDS), registers }),
    fleet: fleetMetrics(registry),
    bus: busMetrics(registry),
    connectionsActive: new Gauge({ ...metricOptions(names.METRIC_CONNECTIONS_ACTIVE), registers }),
    connectionCloses: new Counter({ ...metricOptions(names.METRIC_CONNECTION_CLOSES), registers }),
    scenarioRuns: new Counter({ ...metricOptions(names.METRIC_SCENARIO_RUNS), registers }),
    scenarioLastRun: new Gauge({ ...metricOptions(names.METRIC_SCENARIO_LAST_RUN), registers }),
  };
  const batch = new CallSeriesBatch(metrics);
  return {
    ...metrics,
    /** The calls' counter and gauge counts until the next scrape (call-series.ts). */
    batch,
  };
}

/** The metrics handle returned by {@link createMetrics}. */
export type Metrics = ReturnType<typeof createMetrics>;

/** A fresh registry in the OpenMetrics format (required for exemplars). */
export function createRegistry(): Registry<OpenMetricsContentType> {
  const registry = new Registry<OpenMetricsContentType>();
  registry.setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
  return registry;
}

/** Exemplar labels for a trace id, or none when there is no sampled trace. */
export function traceExemplar(traceId: string | undefined): Record<string, string> | undefined {
  return traceId ? { trace_id: traceId } : undefined;
}
