/**
 * The fleet's metrics (`streamlab fleet`, design §4): re-subscribes by cause, resume gaps and
 * duplicates, time to resume, subscribers per backend and fan-out latency. Recorded where the
 * subscribers run; part of every registry createMetrics builds. Declared in metric-specs.ts.
 */
import { Counter, Gauge, Histogram } from 'prom-client';
import type { OpenMetricsContentType, Registry } from 'prom-client';
import * as names from './semconv.ts';
import { metricOptions } from './metric-specs.ts';

/** The fleet's metrics (long-lived subscribers, design §4), recorded where the subscribers run. */
export function fleetMetrics(registry: Registry<OpenMetricsContentType>) {
  const registers = [registry];
  return {
    reconnects: new Counter({ ...metricOptions(names.METRIC_FLEET_RECONNECTS), registers }),
    gapEvents: new Counter({ ...metricOptions(names.METRIC_FLEET_RESUME_GAP_EVENTS), registers }),
    duplicateEvents: new Counter({ ...metricOptions(names.METRIC_FLEET_RESUME_DUPLICATE_EVENTS), registers }),
    resumeSeconds: new Histogram({ ...metricOptions(names.METRIC_FLEET_RESUME_SECONDS), registers }),
    subscribers: new Gauge({ ...metricOptions(names.METRIC_FLEET_SUBSCRIBERS), registers }),
    fanoutSeconds: new Histogram({ ...metricOptions(names.METRIC_FLEET_FANOUT_SECONDS), registers }),
  };
}
