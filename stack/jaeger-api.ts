/**
 * A small reader of Jaeger v2's `/api/v3` HTTP API (OTLP/JSON traces), for the stack test.
 * Find-traces takes service and time range (attributes are not supported over HTTP), so
 * scenarios are told apart by their root span.
 */

interface OtlpValue { stringValue?: string; intValue?: string; doubleValue?: number; boolValue?: boolean }
interface OtlpSpan {
  traceId: string; spanId: string; parentSpanId?: string; name: string; kind: number | string;
  attributes?: Array<{ key: string; value: OtlpValue }>; links?: Array<{ traceId: string; spanId: string }>;
}
interface OtlpResourceSpans { resource?: { attributes?: Array<{ key: string; value: OtlpValue }> }; scopeSpans?: Array<{ spans?: OtlpSpan[] }> }

/** One span, flattened for assertions. */
export interface SpanSummary {
  traceId: string;
  spanId: string;
  name: string;
  /** SERVER, CLIENT, INTERNAL, ... */
  kind: string;
  service: string;
  attributes: Record<string, string | number | boolean>;
  /** The spans it links to (ids as Jaeger encodes them, comparable with `traceId`/`spanId`). */
  links: Array<{ traceId: string; spanId: string }>;
}

const KINDS = ['UNSPECIFIED', 'INTERNAL', 'SERVER', 'CLIENT', 'PRODUCER', 'CONSUMER'];

function plain(value: OtlpValue): string | number | boolean {
  if (value.intValue !== undefined) return Number(value.intValue);
  return value.stringValue ?? value.doubleValue ?? value.boolValue ?? '';
}

function kindName(kind: number | string): string {
  if (typeof kind === 'number') return KINDS[kind] ?? String(kind);
  return kind.replace('SPAN_KIND_', '');
}

/**
 * Every trace with a span of `service` started in [from, to], grouped by trace id.
 * @throws Error with the HTTP status when Jaeger answers non-2xx (404 means no traces)
 */
export async function findTraces(baseUrl: string, service: string, from: Date, to: Date): Promise<Map<string, SpanSummary[]>> {
  const params = new URLSearchParams({
    'query.service_name': service,
    'query.start_time_min': from.toISOString(),
    'query.start_time_max': to.toISOString(),
    'query.num_traces': '1000',
  });
  const response = await fetch(`${baseUrl}/api/v3/traces?${params}`);
  if (response.status === 404) return new Map();
  if (!response.ok) throw new Error(`Jaeger find traces: HTTP ${response.status}: ${await response.text()}`);
  const body = (await response.json()) as { result?: { resourceSpans?: OtlpResourceSpans[] } };
  const traces = new Map<string, SpanSummary[]>();
  for (const resourceSpans of body.result?.resourceSpans ?? []) {
    const serviceName = resourceSpans.resource?.attributes?.find((a) => a.key === 'service.name')?.value.stringValue ?? '';
    for (const span of (resourceSpans.scopeSpans ?? []).flatMap((scope) => scope.spans ?? [])) {
      const summary: SpanSummary = {
        traceId: span.traceId, spanId: span.spanId, name: span.name, kind: kindName(span.kind), service: serviceName,
        attributes: Object.fromEntries((span.attributes ?? []).map((a) => [a.key, plain(a.value)])),
        links: (span.links ?? []).map((link) => ({ traceId: link.traceId, spanId: link.spanId })),
      };
      traces.set(span.traceId, [...(traces.get(span.traceId) ?? []), summary]);
    }
  }
  return traces;
}
