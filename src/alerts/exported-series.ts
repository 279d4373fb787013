/**
 * What streamlab exports, as a rule's selectors may name it: every sample name of every
 * metric (histograms as `_bucket`, `_sum`, `_count`), each metric's label names, and the
 * closed sets of label values (design §2 and §4). Read from a fresh registry built by the
 * same createMetrics (and the delivery service's deliveryMetricsOf) the server uses, so a
 * new metric is known here without a change.
 */
import { Counter, Gauge, Histogram } from 'prom-client';
import { END_CAUSES } from '../core/end-cause.ts';
import { RPC_KINDS } from '../core/method-info.ts';
import { createMetrics, createRegistry } from '../telemetry/metrics.ts';
import { deliveryMetricsOf } from '../delivery/delivery-metrics.ts';
import { grpcCodeLabel, grpcCodeName } from '../telemetry/grpc-status.ts';
import * as names from '../telemetry/semconv.ts';

/** One exported metric family. */
export interface ExportedMetric {
  family: string;
  type: string;
  /** Its own label names (Prometheus adds job and instance; histogram buckets add le). */
  labelNames: readonly string[];
}

/** The names and values a selector can match. */
export interface Vocabulary {
  /** Sample name → its metric. */
  samples: ReadonlyMap<string, ExportedMetric>;
  /** Label name → every value streamlab exports for it (closed sets only: end causes, sides, codes …). */
  labelValues: ReadonlyMap<string, readonly string[]>;
}

/** Series Prometheus makes itself (scrape health, alert state): known, but in no profile. */
export const PROMETHEUS_SERIES: readonly string[] = [
  'up', 'scrape_duration_seconds', 'scrape_samples_scraped', 'scrape_samples_post_metric_relabeling', 'scrape_series_added', 'ALERTS', 'ALERTS_FOR_STATE',
];

/** Labels Prometheus adds to every scraped series. */
export const TARGET_LABELS: readonly string[] = ['job', 'instance'];

/** The gRPC status codes 0..16. */
const CODES = Array.from({ length: 17 }, (_, code) => code);

/** go-grpc-prometheus's spelling (streamlab's `grpc_code` values) by the canonical one: CANCELLED → Canceled. */
export const GO_CODE_BY_CANONICAL: ReadonlyMap<string, string> = new Map(CODES.map((code) => [grpcCodeName(code), grpcCodeLabel(code)]));

/** streamlab's vocabulary, built once. */
export function streamlabVocabulary(): Vocabulary {
  const registry = createRegistry();
  createMetrics(registry);
  deliveryMetricsOf(registry);
  const samples = new Map<string, ExportedMetric>();
  for (const metric of registry.getMetricsAsArray()) {
    const type = metric instanceof Histogram ? 'histogram' : metric instanceof Gauge ? 'gauge' : metric instanceof Counter ? 'counter' : 'summary';
    const labelNames = (metric as unknown as { labelNames?: string[] }).labelNames ?? [];
    const exported: ExportedMetric = { family: metric.name, type, labelNames };
    const sampleNames = type === 'histogram' ? ['_bucket', '_sum', '_count'].map((suffix) => metric.name + suffix) : [metric.name];
    for (const name of sampleNames) samples.set(name, exported);
  }
  const labelValues = new Map<string, readonly string[]>([
    [names.LABEL_END_CAUSE, END_CAUSES],
    [names.LABEL_SIDE, ['server', 'client']],
    [names.LABEL_GRPC_CODE, CODES.map(grpcCodeLabel)],
    [names.LABEL_GRPC_TYPE, RPC_KINDS],
    [names.LABEL_CLOSE_KIND, ['fin', 'rst', 'local']],
    [names.LABEL_VERDICT, ['ok', 'mismatch']],
  ]);
  return { samples, labelValues };
}
