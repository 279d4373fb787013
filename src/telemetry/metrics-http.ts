/**
 * The /metrics endpoint: serves one prom-client registry in the format the scraper asks for,
 * plus /healthz for container health checks. Built here, started by the CLI (serve, drive,
 * fleet).
 *
 * Format negotiation (design §4): OpenMetrics with exemplars when the `Accept` header prefers
 * `application/openmetrics-text` (Prometheus asks for it first by default), Prometheus text
 * 0.0.4 without exemplars otherwise (curl's `*\/*`, `text/plain`, no header). prom-client
 * writes exemplars only in OpenMetrics, where `value # {trace_id="…"} value timestamp` is
 * valid; a 0.0.4 parser would read the exemplar as a sample timestamp and fail.
 */
import http from 'node:http';
import { Registry } from 'prom-client';
import type { Metric, OpenMetricsContentType } from 'prom-client';

/** The two formats /metrics answers in. */
export type MetricsFormat = 'openmetrics' | 'text';

/** What each format's `Accept` media range looks like, and the versions we can answer as it. */
const OFFERS: ReadonlyArray<{ format: MetricsFormat; type: string; subtype: string; versions: ReadonlySet<string> }> = [
  // prom-client writes OpenMetrics 1.0.0; 0.0.1 is its pre-release name, which Prometheus
  // parses with the same parser and still lists in its Accept header.
  { format: 'openmetrics', type: 'application', subtype: 'openmetrics-text', versions: new Set(['1.0.0', '0.0.1']) },
  // 0.0.4 is also valid text 1.0.0 (1.0.0 only adds quoted UTF-8 names, which we never use).
  { format: 'text', type: 'text', subtype: 'plain', versions: new Set(['0.0.4', '1.0.0']) },
];

interface MediaRange { type: string; subtype: string; version: string | undefined; q: number; index: number }

/** Splits on `sep` outside double-quoted strings (a quoted parameter value may hold `,` or `;`). */
function splitOutsideQuotes(text: string, sep: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (quoted && c === '\\') {
      current += c + (text[++i] ?? '');
      continue;
    }
    if (c === '"') quoted = !quoted;
    if (c === sep && !quoted) {
      parts.push(current);
      current = '';
    } else {
      current += c;
    }
  }
  parts.push(current);
  return parts;
}

/**
 * The media ranges of an `Accept` header (RFC 9110 §12.5.1), malformed ones left out: a
 * range without `type/subtype`, or with a `q` that is not a number in 0..1.
 */
export function parseAccept(header: string): MediaRange[] {
  const ranges: MediaRange[] = [];
  for (const [index, part] of splitOutsideQuotes(header, ',').entries()) {
    const [mediaType = '', ...params] = splitOutsideQuotes(part, ';').map((p) => p.trim());
    const match = /^([\w!#$%&'*+.^`|~-]+)\/([\w!#$%&'*+.^`|~-]+)$/.exec(mediaType.toLowerCase());
    if (!match) continue;
    let q = 1;
    let version: string | undefined;
    let valid = true;
    for (const param of params) {
      const eq = param.indexOf('=');
      if (eq <= 0) continue;
      const name = param.slice(0, eq).trim().toLowerCase();
      const value = param.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1');
      if (name === 'q') {
        // RFC 9110 allows at most 3 decimals; any number in 0..1 is taken, anything else drops the range.
        q = /^\d+(\.\d*)?$/.test(value) ? Number(value) : NaN;
        valid = q >= 0 && q <= 1;
        break; // parameters after q are accept-extensions, not media type parameters
      }
      if (name === 'version') version = value;
    }
    if (valid) ranges.push({ type: match[1] as string, subtype: match[2] as string, version, q, index });
  }
  return ranges;
}

/**
 * How well `range` matches `offer`: 3 for its type/subtype with a version we can answer, 2 for
 * its type/subtype without a version, 1 for `type/*`, 0 for `*\/*`, -1 for no match.
 */
function specificity(range: MediaRange, offer: (typeof OFFERS)[number]): number {
  if (range.type === '*' && range.subtype === '*') return 0;
  if (range.type !== offer.type) return -1;
  if (range.subtype === '*') return 1;
  if (range.subtype !== offer.subtype) return -1;
  if (range.version === undefined) return 2;
  return offer.versions.has(range.version) ? 3 : -1;
}

/**
 * The format to answer a scrape with `accept` in. Each format's quality is the `q` of the most
 * specific range that matches it (the highest `q` among equally specific ones, e.g.
 * OpenMetrics 1.0.0 and 0.0.1); the higher quality wins, then the more specific match, then
 * the range listed first. Equal on all three (`*\/*` alone), or nothing acceptable: text, as
 * the Prometheus client libraries answer (not 406), so a human with curl always gets the
 * readable format.
 */
export function negotiateMetricsFormat(accept: string | undefined): MetricsFormat {
  const ranges = parseAccept(accept ?? '');
  const scored = OFFERS.map((offer) => {
    let best = { q: 0, specificity: -1, index: Infinity };
    for (const range of ranges) {
      const s = specificity(range, offer);
      if (s > best.specificity || (s === best.specificity && range.q > best.q)) best = { q: range.q, specificity: s, index: range.index };
    }
    return { format: offer.format, ...best };
  });
  const [openMetrics, text] = scored as [(typeof scored)[number], (typeof scored)[number]];
  if (openMetrics.q <= 0 || openMetrics.specificity < 0) return 'text';
  if (openMetrics.q !== text.q) return openMetrics.q > text.q ? 'openmetrics' : 'text';
  if (openMetrics.specificity !== text.specificity) return openMetrics.specificity > text.specificity ? 'openmetrics' : 'text';
  return openMetrics.index < text.index ? 'openmetrics' : 'text';
}

/** A prom-client metric as the registry holds it (the typings' MetricObject lacks the getters). */
interface RegisteredMetric {
  name: string;
  type: string;
  get(): Promise<{ name: string }>;
  getForPromString?(): Promise<{ name: string }>;
}

/**
 * A counter's sample name, `<name>_total`. prom-client's OpenMetrics rendering renames every
 * counter object in place (`x_total` → `x`, then writes samples as `x_total`), so after the
 * first OpenMetrics scrape `metric.name` has lost its suffix for good; this restores it, and
 * the series are called the same whichever format a scrape negotiated.
 */
const counterSampleName = (name: string): string => `${name.replace(/_total$/, '')}_total`;

/**
 * The registry's metrics in Prometheus text 0.0.4. A fresh Prometheus-format registry renders
 * views of the same metric objects, so the shared registry (its content type, which a
 * concurrent OpenMetrics scrape reads) is never changed, and prom-client's own formatter
 * writes the text (0.0.4 never prints exemplars). The shared registry's default labels, if it
 * had any, are not copied (createRegistry sets none).
 */
async function prometheusText(registry: Registry<OpenMetricsContentType>): Promise<string> {
  const text = new Registry(); // Prometheus text 0.0.4, prom-client's default
  for (const metric of registry.getMetricsAsArray() as unknown as RegisteredMetric[]) {
    const isCounter = metric.type === 'counter';
    const name = isCounter ? counterSampleName(metric.name) : metric.name;
    const view = {
      name,
      // The registry renders through getForPromString when a metric has it (histograms: labels
      // shared by all buckets), get() otherwise; the view offers one function for both.
      getForPromString: async () => {
        const data = await (metric.getForPromString ? metric.getForPromString() : metric.get());
        return isCounter ? { ...data, name } : data;
      },
    };
    text.registerMetric(view as unknown as Metric);
  }
  return text.metrics();
}

/**
 * The request listener behind {@link createMetricsHttpServer}: GET /metrics → the registry in
 * the negotiated format ({@link negotiateMetricsFormat}), GET /healthz → 200 "ok", anything
 * else → 404. The fleet's control API mounts it for its own /metrics and /healthz.
 * @param registry an OpenMetrics registry (createRegistry in metrics.ts)
 */
export function createMetricsRequestListener(registry: Registry<OpenMetricsContentType>): http.RequestListener {
  return (request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    if (request.method === 'GET' && path === '/metrics') {
      const openMetrics = negotiateMetricsFormat(request.headers.accept) === 'openmetrics';
      (openMetrics ? registry.metrics() : prometheusText(registry)).then(
        (text) => response.writeHead(200, {
          'content-type': openMetrics ? Registry.OPENMETRICS_CONTENT_TYPE : Registry.PROMETHEUS_CONTENT_TYPE,
          vary: 'Accept',
        }).end(text),
        (error: unknown) => response.writeHead(500, { 'content-type': 'text/plain' }).end(`metrics failed: ${String(error)}\n`),
      );
      return;
    }
    if (request.method === 'GET' && path === '/healthz') {
      response.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
      return;
    }
    response.writeHead(404, { 'content-type': 'text/plain' }).end('not found: try /metrics or /healthz\n');
  };
}

/**
 * Creates (does not start) an HTTP server answering with {@link createMetricsRequestListener}.
 * @param registry an OpenMetrics registry (createRegistry in metrics.ts)
 */
export function createMetricsHttpServer(registry: Registry<OpenMetricsContentType>): http.Server {
  return http.createServer(createMetricsRequestListener(registry));
}
