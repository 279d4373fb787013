/**
 * The delivery metrics (Delivery/Exchange, design §4), all labelled by scenario: the server
 * session counts sends, ACKs, redeliveries and exhaustion; the client counts duplicates.
 * Created on the registry the server or client reports to, once per registry (a server and
 * a client sharing one registry in one process share these metrics). Declared in
 * src/telemetry/metric-specs.ts.
 */
import { Counter, Gauge, Histogram } from 'prom-client';
import type { OpenMetricsContentType, Registry } from 'prom-client';
import * as names from '../telemetry/semconv.ts';
import { metricOptions } from '../telemetry/metric-specs.ts';

function create(registry: Registry<OpenMetricsContentType>) {
  const registers = [registry];
  return {
    sent: new Counter({ ...metricOptions(names.METRIC_DELIVERY_SENT), registers }),
    acked: new Counter({ ...metricOptions(names.METRIC_DELIVERY_ACKED), registers }),
    redeliveries: new Counter({ ...metricOptions(names.METRIC_DELIVERY_REDELIVERIES), registers }),
    exhausted: new Counter({ ...metricOptions(names.METRIC_DELIVERY_EXHAUSTED), registers }),
    duplicates: new Counter({ ...metricOptions(names.METRIC_DELIVERY_DUPLICATES), registers }),
    ackLatencySeconds: new Histogram({ ...metricOptions(names.METRIC_DELIVERY_ACK_LATENCY_SECONDS), registers }),
    unacked: new Gauge({ ...metricOptions(names.METRIC_DELIVERY_UNACKED), registers }),
  };
}

/** The delivery metrics. */
export type DeliveryMetrics = ReturnType<typeof create>;

const byRegistry = new WeakMap<Registry<OpenMetricsContentType>, DeliveryMetrics>();

/**
 * The delivery metrics of `registry`, created on first use.
 * @throws Error from prom-client when another metric already holds one of the names
 */
export function deliveryMetricsOf(registry: Registry<OpenMetricsContentType>): DeliveryMetrics {
  let metrics = byRegistry.get(registry);
  if (!metrics) {
    metrics = create(registry);
    byRegistry.set(registry, metrics);
  }
  return metrics;
}
