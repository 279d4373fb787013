/**
 * The fleet's metrics (`streamlab fleet`, design §4): re-subscribes by cause, resume gaps and
 * duplicates, time to resume, subscribers per backend and fan-out latency. Recorded where the
 * subscribers run; part of every registry createMetrics builds.
 */
import { Counter, Gauge, Histogram } from 'prom-client';
import type { OpenMetricsContentType, Registry } from 'prom-client';
import * as names from './semconv.ts';

/** Resume-time buckets in seconds: an immediate re-subscribe (~ms) to the backoff's 120 s cap. */
const RESUME_BUCKETS_S = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120, 300];
/** Fan-out buckets in seconds: one subscriber on loopback (~1 ms) to 10,000 (~1 s). */
const FANOUT_BUCKETS_S = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** The fleet's metrics (long-lived subscribers, design §4), recorded where the subscribers run. */
export function fleetMetrics(registry: Registry<OpenMetricsContentType>) {
  const registers = [registry];
  return {
    reconnects: new Counter({
      registers, name: names.METRIC_FLEET_RECONNECTS, labelNames: [names.LABEL_END_CAUSE], enableExemplars: true,
      help: 'Re-subscribes by long-lived subscribers, by the end cause of the subscription that ended.',
    }),
    gapEvents: new Counter({
      registers, name: names.METRIC_FLEET_RESUME_GAP_EVENTS, enableExemplars: true,
      help: 'Topic events a resumed subscription never received: older than the history the server kept.',
    }),
    duplicateEvents: new Counter({
      registers, name: names.METRIC_FLEET_RESUME_DUPLICATE_EVENTS, enableExemplars: true,
      help: 'Topic events a subscriber received more than once across resumes.',
    }),
    resumeSeconds: new Histogram({
      registers, name: names.METRIC_FLEET_RESUME_SECONDS, buckets: RESUME_BUCKETS_S, enableExemplars: true,
      help: "Seconds from a subscription's end to its successor streaming (response headers received), backoff included.",
    }),
    subscribers: new Gauge({
      registers, name: names.METRIC_FLEET_SUBSCRIBERS, labelNames: [names.LABEL_BACKEND],
      help: 'Subscribers streaming from each backend (host:port); backend="none" counts those between subscriptions.',
    }),
    fanoutSeconds: new Histogram({
      registers, name: names.METRIC_FLEET_FANOUT_SECONDS, buckets: FANOUT_BUCKETS_S,
      help: "Seconds from a Notify sent by the fleet to the last subscriber's receipt of it.",
    }),
  };
}
