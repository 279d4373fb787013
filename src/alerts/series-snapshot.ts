/**
 * A registry's series as plain samples, and what a run added to them. The input is
 * prom-client's JSON form (`Registry.getMetricsAsJSON()`), the same one a child server
 * process sends its parent when it shuts down (src/server-process/server-process-protocol.ts), so
 * the samples are exactly the ones /metrics exports: counters, gauges and every histogram
 * bucket, `_sum` and `_count`, with all their labels.
 */
import type { MetricObjectWithValues, MetricValue } from 'prom-client';

/** A registry's metrics in prom-client's JSON form. */
export type MetricsSnapshot = MetricObjectWithValues<MetricValue<string>>[];

/** How a sample behaves over time: counters (and histogram samples) only grow; gauges go both ways. */
export type SampleKind = 'counter' | 'gauge';

/** One exported sample. */
export interface Sample {
  /** The sample name as exported: `streamlab_stream_ends_total`, `streamlab_detection_seconds_bucket`, … */
  name: string;
  /** The metric family it belongs to (the histogram's name for its buckets, `_sum`, `_count`). */
  family: string;
  labels: Readonly<Record<string, string>>;
  kind: SampleKind;
  value: number;
}

/** `name{a="1",b="2"}` with labels sorted by name and values escaped as in PromQL: a unique key and a promtool series. */
export function seriesKey(name: string, labels: Readonly<Record<string, string>>): string {
  const pairs = Object.keys(labels).sort().map((label) => `${label}=${JSON.stringify(labels[label])}`);
  return pairs.length ? `${name}{${pairs.join(',')}}` : name;
}

/** Every sample of `snapshot`, by {@link seriesKey}. Summaries are not used by streamlab and are skipped. */
export function samplesOf(snapshot: MetricsSnapshot): Map<string, Sample> {
  const samples = new Map<string, Sample>();
  for (const metric of snapshot) {
    const type = String(metric.type);
    if (type !== 'counter' && type !== 'gauge' && type !== 'histogram') continue;
    for (const value of metric.values) {
      const name = (value as { metricName?: string }).metricName ?? metric.name;
      const labels: Record<string, string> = {};
      for (const [label, labelValue] of Object.entries(value.labels)) {
        if (labelValue !== undefined) labels[label] = labelValue === Infinity ? '+Inf' : String(labelValue);
      }
      const key = seriesKey(name, labels);
      const previous = samples.get(key);
      samples.set(key, {
        name, family: metric.name, labels, kind: type === 'gauge' ? 'gauge' : 'counter', value: (previous?.value ?? 0) + value.value,
      });
    }
  }
  return samples;
}

/**
 * What happened between two snapshots of one registry: counters and histogram samples by
 * their increase, gauges by their value `after`. Every sample that exists `after` is kept,
 * an unchanged bucket at 0 included (it is exported, so a rule sees it).
 */
export function deltaOf(before: ReadonlyMap<string, Sample>, after: ReadonlyMap<string, Sample>): Map<string, Sample> {
  const delta = new Map<string, Sample>();
  for (const [key, sample] of after) {
    const base = sample.kind === 'counter' ? before.get(key)?.value ?? 0 : 0;
    delta.set(key, { ...sample, value: sample.value - base });
  }
  return delta;
}

/** `a` and `b` together: values of the same series added (two processes exporting the same series). */
export function mergeSamples(a: ReadonlyMap<string, Sample>, b: ReadonlyMap<string, Sample>): Map<string, Sample> {
  const merged = new Map(a);
  for (const [key, sample] of b) {
    const previous = merged.get(key);
    merged.set(key, previous ? { ...previous, value: previous.value + sample.value } : sample);
  }
  return merged;
}
