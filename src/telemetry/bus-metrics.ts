/**
 * The bus's metrics (`--bus`, issue 18): whether this server holds its connection to NATS
 * JetStream, how often and how long it lost it, and what the bus did not accept. Part of
 * every registry createMetrics builds; only a server on the bus moves them.
 */
import { Counter, Gauge, Histogram } from 'prom-client';
import type { OpenMetricsContentType, Registry } from 'prom-client';
import * as names from './semconv.ts';

/** Outage buckets in seconds: a quick reconnect (~0.1 s) to a bus gone for minutes. */
const OUTAGE_BUCKETS_S = [0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120, 300];

/** The bus metrics of one server. */
export function busMetrics(registry: Registry<OpenMetricsContentType>) {
  const registers = [registry];
  return {
    // Labelled by the configured URL list so a server off the bus exposes no series at all
    // (an unlabelled gauge would read 0, "lost", on every server).
    connected: new Gauge({
      registers, name: names.METRIC_BUS_CONNECTED, labelNames: [names.LABEL_BUS],
      help: 'Whether this server is connected to the bus (NATS JetStream; label bus = its --bus URLs): 1 connected, 0 lost. No series off the bus.',
    }),
    disconnects: new Counter({
      registers, name: names.METRIC_BUS_DISCONNECTS, labelNames: [names.LABEL_BUS],
      help: 'Times this server lost its connection to the bus.',
    }),
    outageSeconds: new Histogram({
      registers, name: names.METRIC_BUS_OUTAGE_SECONDS, buckets: OUTAGE_BUCKETS_S,
      help: 'Seconds from losing the bus to being connected again, one observation per outage.',
    }),
    publishFailures: new Counter({
      registers, name: names.METRIC_BUS_PUBLISH_FAILURES, labelNames: [names.LABEL_KIND],
      help: 'Ticks and Notify texts the bus did not accept (kind tick or notify): not numbered, so no subscriber misses an id.',
    }),
  };
}
