/**
 * The delivery metrics (Delivery/Exchange, design §4), all labelled by scenario: the server
 * session counts sends, ACKs, redeliveries and exhaustion; the client counts duplicates.
 * Created on the registry the server or client reports to, once per registry (a server and
 * a client sharing one registry in one process share these metrics).
 */
import { Counter, Gauge, Histogram } from 'prom-client';
import type { OpenMetricsContentType, Registry } from 'prom-client';
import * as names from '../telemetry/semconv.ts';

/** ACK-latency buckets in seconds: loopback ACKs (~1 ms) to the last redelivery (~4 × 2 s). */
const ACK_LATENCY_BUCKETS_S = [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8, 16];

function create(registry: Registry<OpenMetricsContentType>) {
  const common = { registers: [registry], labelNames: [names.LABEL_SCENARIO] };
  return {
    sent: new Counter({ ...common, name: names.METRIC_DELIVERY_SENT, help: 'Distinct delivery messages sent for the first time (server).' }),
    acked: new Counter({ ...common, name: names.METRIC_DELIVERY_ACKED, help: 'Delivery messages acknowledged, first ACK of each id (server).' }),
    redeliveries: new Counter({
      ...common, name: names.METRIC_DELIVERY_REDELIVERIES, enableExemplars: true,
      help: 'Redelivery attempts: a message not acknowledged within the ack timeout, sent again (server).',
    }),
    exhausted: new Counter({
      ...common, name: names.METRIC_DELIVERY_EXHAUSTED, enableExemplars: true,
      help: 'Delivery messages given up on after the last redelivery went unacknowledged (server).',
    }),
    duplicates: new Counter({ ...common, name: names.METRIC_DELIVERY_DUPLICATES, help: 'Duplicate deliveries the client received and did not deliver again (client).' }),
    ackLatencySeconds: new Histogram({
      ...common, name: names.METRIC_DELIVERY_ACK_LATENCY_SECONDS, enableExemplars: true, buckets: ACK_LATENCY_BUCKETS_S,
      help: 'Seconds from the first send of a delivery message to its ACK (server).',
    }),
    unacked: new Gauge({ ...common, name: names.METRIC_DELIVERY_UNACKED, help: 'Delivery messages sent and not yet acknowledged or exhausted (server).' }),
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
