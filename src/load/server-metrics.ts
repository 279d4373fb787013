/**
 * The server's side of a load run, from a streamlab server's /metrics: the counter
 * `streamlab_stream_ends_total{side="server",end_cause,scenario,grpc_service}` scraped
 * before and after, and the difference by end cause. The scrape asks for Prometheus text
 * 0.0.4 (our /metrics negotiates; text is also its default) and is parsed with
 * parse-prometheus-text-format.
 */
import { createRequire } from 'node:module';
import { END_CAUSES } from '../core/end-cause.ts';
import { METRIC_STREAM_ENDS } from '../telemetry/semconv.ts';

/** One sample as parse-prometheus-text-format returns it (counters and gauges). */
interface Family { name: string; type: string; metrics: Array<{ value: string; labels?: Record<string, string> }> }
const parsePrometheusText = createRequire(import.meta.url)('parse-prometheus-text-format') as (text: string) => Family[];

/** The Accept header of a scrape: text 0.0.4 (exemplar-free). */
export const SCRAPE_ACCEPT = 'text/plain;version=0.0.4';

/** Which series count: the server's side, the method's service, one scenario. */
export interface StreamEndsFilter {
  /** `package.Service` (label grpc_service). */
  service: string;
  /** Label scenario: the run's scenario, or `none` (what a call without baggage is labelled). */
  scenario: string;
}

/** Server-side stream ends by end cause. */
export type EndCounts = Map<string, number>;

/** The server-side end causes a run caused (after − before), as reported. */
export interface ServerEnds {
  url: string;
  scenario: string;
  grpc_service: string;
  /** Streams the server saw end during the run, by end cause (causes with 0 left out). */
  ends: Array<{ end_cause: string; count: number }>;
  total: number;
}

/**
 * Scrapes `url` once.
 * @throws Error naming the URL when it cannot be fetched, answers non-200, or has no streamlab_stream_ends_total
 */
export async function scrapeStreamEnds(url: string, filter: StreamEndsFilter, timeoutMs = 5_000): Promise<EndCounts> {
  let text: string;
  try {
    const response = await fetch(url, { headers: { accept: SCRAPE_ACCEPT }, signal: AbortSignal.timeout(timeoutMs) });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    text = await response.text();
  } catch (error) {
    // fetch's own message is "fetch failed"; the cause says why (ECONNREFUSED, "bad port", ...).
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    throw new Error(`--server-metrics ${url}: ${cause?.code ?? cause?.message ?? (error as Error).message}`);
  }
  const family = parsePrometheusText(text).find((entry) => entry.name === METRIC_STREAM_ENDS);
  if (!family) throw new Error(`--server-metrics ${url} has no ${METRIC_STREAM_ENDS}: is it a streamlab server's /metrics?`);
  const counts: EndCounts = new Map();
  for (const sample of family.metrics) {
    const labels = sample.labels ?? {};
    if (labels.side !== 'server' || labels.grpc_service !== filter.service || labels.scenario !== filter.scenario) continue;
    const cause = labels.end_cause ?? '';
    counts.set(cause, (counts.get(cause) ?? 0) + Number(sample.value));
  }
  return counts;
}

/** `after − before` by end cause, in the order of END_CAUSES (unknown causes last). */
export function endsDelta(before: EndCounts, after: EndCounts): Array<{ end_cause: string; count: number }> {
  const order = (cause: string) => (END_CAUSES as readonly string[]).indexOf(cause) >>> 0;
  return [...after].map(([cause, value]) => ({ end_cause: cause, count: value - (before.get(cause) ?? 0) }))
    .filter((row) => row.count > 0)
    .sort((a, b) => order(a.end_cause) - order(b.end_cause) || a.end_cause.localeCompare(b.end_cause));
}

/**
 * Scrapes until the server has seen `expected` more stream ends than `before` (it may
 * record an end a moment after the client saw the status), at most `boundMs`; returns the
 * last delta.
 */
export async function settledServerEnds(url: string, filter: StreamEndsFilter, before: EndCounts, expected: number, boundMs = 2_000): Promise<ServerEnds> {
  const until = performance.now() + boundMs;
  for (;;) {
    const ends = endsDelta(before, await scrapeStreamEnds(url, filter));
    const total = ends.reduce((sum, row) => sum + row.count, 0);
    if (total >= expected || performance.now() >= until) return { url, scenario: filter.scenario, grpc_service: filter.service, ends, total };
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
