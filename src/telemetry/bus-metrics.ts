/**
 * The bus's metrics (`--bus`, issue 18): whether this server holds its connection to NATS
 * JetStream, how often and how long it lost it, and what the bus did not accept. Part of
 * every registry createMetrics builds; only a server on the bus moves them. Declared in
 * metric-specs.ts.
 */
import { Counter, Gauge, Histogram } from 'prom-client';
import type { OpenMetricsContentType, Registry } from 'prom-client';
import * as names from './semconv.ts';
import { metricOptions } from './metric-specs.ts';

/** The bus metrics of one server. */
export function busMetrics(registry: Registry<OpenMetricsContentType>) {
  const registers = [registry];
  return {
    connected: new Gauge({ ...metricOptions(names.METRIC_BUS_CONNECTED), registers }),
    disconnects: new Counter({ ...metricOptions(names.METRIC_BUS_DISCONNECTS), registers }),
    outageSeconds: new Histogram({ ...metricOptions(names.METRIC_BUS_OUTAGE_SECONDS), registers }),
    publishFailures: new Counter({ ...metricOptions(names.METRIC_BUS_PUBLISH_FAILURES), registers }),
  };
}
