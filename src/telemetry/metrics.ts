/**
 * streamlab's Prometheus metrics (design §4), on a registry the app creates — never
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

import type { Side } from './lifecycle-event.ts';

export type { Side } from './lifecycle-event.ts';

const GRPC_LABELS = [names.LABEL_GRPC_TYPE, names.LABEL_GRPC_SERVICE, names.LABEL_GRPC_METHOD] as const;

/**
 * Handling-time buckets in seconds: go-grpc-prometheus's defaults stop at 10 s, far
 * too short for streams, so these reach 1 h.
 */
const HANDLING_BUCKETS_S = [0.005, 0.05, 0.25, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600];
/** Detection-latency buckets in seconds: loopback cancels (~1 ms) to keepalive (~2-30 s). */
const DETECTION_BUCKETS_S = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60];
/** Backpressure-wait buckets in seconds. */
const BACKPRESSURE_BUCKETS_S = [0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30];

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
  const isServer = side === 'server';
  const common = { registers: [registry], labelNames: GRPC_LABELS, enableExemplars: true as const };
  return {
    started: new Counter({
      ...common,
      collect: flushAll,
      name: isServer ? names.METRIC_GRPC_SERVER_STARTED : names.METRIC_GRPC_CLIENT_STARTED,
      help: isServer ? 'Total number of RPCs started on the server.' : 'Total number of RPCs started on the client.',
    }),
    handled: new Counter({
      ...common,
      collect: flushAll,
      labelNames: [...GRPC_LABELS, names.LABEL_GRPC_CODE],
      name: isServer ? names.METRIC_GRPC_SERVER_HANDLED : names.METRIC_GRPC_CLIENT_HANDLED,
      help: isServer
        ? 'Total number of RPCs completed on the server, regardless of success or failure.'
        : 'Total number of RPCs completed by the client, regardless of success or failure.',
    }),
    // Per-message counters: no exemplars (a message count has no one trace to point at).
    msgReceived: new Counter({
      ...common,
      enableExemplars: false,
      collect: flushAll,
      name: isServer ? names.METRIC_GRPC_SERVER_MSG_RECEIVED : names.METRIC_GRPC_CLIENT_MSG_RECEIVED,
      help: 'Total number of RPC stream messages received.',
    }),
    msgSent: new Counter({
      ...common,
      enableExemplars: false,
      collect: flushAll,
      name: isServer ? names.METRIC_GRPC_SERVER_MSG_SENT : names.METRIC_GRPC_CLIENT_MSG_SENT,
      help: 'Total number of gRPC stream messages sent.',
    }),
    handlingSeconds: new Histogram({
      ...common,
      name: isServer ? names.METRIC_GRPC_SERVER_HANDLING_SECONDS : names.METRIC_GRPC_CLIENT_HANDLING_SECONDS,
      help: 'Histogram of response latency (seconds) of gRPC until it is finished by the application.',
      buckets: HANDLING_BUCKETS_S,
    }),
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
    streamsActive: new Gauge({
      registers,
      name: names.METRIC_STREAMS_ACTIVE,
      help: 'Streams open right now.',
      labelNames: [names.LABEL_SIDE, names.LABEL_SCENARIO, names.LABEL_GRPC_SERVICE],
      collect: flushAll,
    }),
    streamEnds: new Counter({
      registers,
      collect: flushAll,
      name: names.METRIC_STREAM_ENDS,
      help: 'Streams that ended, by why they ended (streamlab.end_cause).',
      labelNames: [names.LABEL_SIDE, names.LABEL_END_CAUSE, names.LABEL_SCENARIO, names.LABEL_GRPC_SERVICE],
      enableExemplars: true,
    }),
    streamMessages: new Counter({
      registers,
      name: names.METRIC_STREAM_MESSAGES,
      help: "Messages of streams' data direction (requests for client streaming, responses otherwise), on each side.",
      labelNames: [names.LABEL_SIDE, names.LABEL_SCENARIO, names.LABEL_GRPC_SERVICE],
      collect: flushAll,
    }),
    detectionSeconds: new Histogram({
      registers,
      name: names.METRIC_DETECTION_SECONDS,
      help: 'Seconds from the cause of a stream end (cancel, network fault) to this side noticing it.',
      labelNames: [names.LABEL_SIDE, names.LABEL_END_CAUSE, names.LABEL_SCENARIO, names.LABEL_GRPC_SERVICE],
      buckets: DETECTION_BUCKETS_S,
      enableExemplars: true,
    }),
    backpressureWaitSeconds: new Histogram({
      registers,
      name: names.METRIC_BACKPRESSURE_WAIT_SECONDS,
      help: "Seconds a writer waited for 'drain' after write() returned false.",
      labelNames: [names.LABEL_SIDE, names.LABEL_SCENARIO, names.LABEL_GRPC_SERVICE],
      buckets: BACKPRESSURE_BUCKETS_S,
      enableExemplars: true,
    }),
    fleet: fleetMetrics(registry),
    bus: busMetrics(registry),
    connectionsActive: new Gauge({
      registers,
      name: names.METRIC_CONNECTIONS_ACTIVE,
      help: 'TCP connections the server holds right now.',
    }),
    connectionCloses: new Counter({
      registers,
      name: names.METRIC_CONNECTION_CLOSES,
      help: 'Server TCP connections closed, by how: fin (peer closed), rst (socket error), local (server destroyed it).',
      labelNames: [names.LABEL_CLOSE_KIND],
    }),
    scenarioRuns: new Counter({
      registers,
      name: names.METRIC_SCENARIO_RUNS,
      help: 'Scenario runs, by verdict (ok when both sides ended as expected, mismatch otherwise).',
      labelNames: [names.LABEL_SCENARIO, names.LABEL_VERDICT],
    }),
    scenarioLastRun: new Gauge({
      registers,
      name: names.METRIC_SCENARIO_LAST_RUN,
      help: 'Unix time in seconds when the scenario last finished.',
      labelNames: [names.LABEL_SCENARIO],
    }),
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
