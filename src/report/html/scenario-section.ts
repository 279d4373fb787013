/**
 * One scenario's section of the report: what it does and expects, what each side saw,
 * the sequence diagram (its data as a JSON island the view draws), the trace id with a
 * Jaeger link, and the lesson.
 */
import { expectationFor } from '../../scenarios/scenario.ts';
import { causeOf } from '../../scenarios/describe-scenario.ts';
import type { ScenarioResult } from '../../scenarios/scenario.ts';
import type { StreamEnd } from '../../telemetry/lifecycle-event.ts';
import { grpcCodeName } from '../../telemetry/grpc-status.ts';
import { diagramData } from './diagram-data.ts';
import { escapeHtml, fragmentId, jsonForScript } from './escape.ts';
import { renderLesson } from './lesson-html.ts';
import type { SpanComparisonView } from './lesson-html.ts';
import { spanComparison, spanComparisonSource } from '../../scenarios/lessons/span-comparison.ts';

/** Options of a section. */
export interface SectionOptions {
  /** Jaeger UI base URL (e.g. `http://localhost:16686`): the trace id links to `URL/trace/ID`. */
  jaegerUrl?: string;
  /** Matrix run (`--rpc`): the id carries the RPC kind. */
  matrix?: boolean;
  /** Fault backend the run used. Default `embedded`. */
  faultBackend?: string;
}

/** The section's id: `scenario-NAME`, or `scenario-NAME-RPC` in a matrix run. */
export function sectionId(name: string, rpc: string, matrix: boolean): string {
  return matrix ? fragmentId('scenario', name, rpc) : fragmentId('scenario', name);
}

/** The Jaeger UI address of trace `traceId` under `base` (a trailing slash is dropped). */
export function jaegerTraceUrl(base: string, traceId: string): string {
  return `${base.replace(/\/+$/, '')}/trace/${encodeURIComponent(traceId)}`;
}

/** One side's observed end in words: cause, code, status details, messages, detection. */
function sideText(end: StreamEnd | undefined, note: string | undefined): string {
  if (!end) return `<span class="muted">${escapeHtml(note ?? 'not observed')}</span>`;
  const detection = end.detectionMs === undefined ? '' : `, noticed ${end.detectionMs.toFixed(1)} ms after the cause`;
  const details = end.details ? ` — “${escapeHtml(end.details)}”` : '';
  const extra = end.connectError ? ` (${escapeHtml(end.connectError)})` : end.closeKind ? ` (socket: ${escapeHtml(end.closeKind)})` : '';
  return `<code>${escapeHtml(end.endCause)}</code> · ${escapeHtml(grpcCodeName(end.grpcCode))}${details}${extra}; ${end.sent} sent, ${end.received} received${escapeHtml(detection)}`;
}

function traceLine(traceId: string, name: string, jaegerUrl: string | undefined): string {
  if (!traceId) return '<p class="trace muted">No trace id: tracing was off for this run.</p>';
  const link = jaegerUrl ? ` · <a class="trace-link" href="${escapeHtml(jaegerTraceUrl(jaegerUrl, traceId))}">open the trace in Jaeger</a>` : '';
  return `<p class="trace">Trace <code class="trace-id">${escapeHtml(traceId)}</code> (root span <code>scenario ${escapeHtml(name)}</code>)${link}</p>`;
}

/** The span comparison of `result`: from the run itself in span mode contrib, else the measured data. */
function comparisonOf(result: ScenarioResult): SpanComparisonView | undefined {
  const live = { ...(result.client ? { client: result.client } : {}), ...(result.server ? { server: result.server } : {}) };
  const rows = spanComparison(result.scenario.name, live);
  if (!rows) return undefined;
  return { rows, source: spanComparisonSource(Boolean(result.client?.stockSpan || result.server?.stockSpan)) };
}

/** The `<section class="scenario">` of `result`. */
export function renderScenarioSection(result: ScenarioResult, options: SectionOptions = {}): string {
  const { scenario } = result;
  const matrix = options.matrix ?? false;
  const expect = expectationFor(scenario, options.faultBackend ?? 'embedded');
  const data = diagramData(result);
  const mismatches = result.mismatches.length
    ? `<ul class="mismatches">${result.mismatches.map((m) => `<li>${escapeHtml(m)}</li>`).join('')}</ul>`
    : '';
  const findings = result.findings?.length
    ? `<ul class="findings">${result.findings.map((finding) => `<li>${escapeHtml(finding)}</li>`).join('')}</ul>`
    : '';
  const silence = result.silentForMs !== undefined
    ? `<p class="muted">The client noticed nothing for ${result.silentForMs / 1000} s — without keepalive it would wait forever; the runner cancelled it.</p>`
    : '';
  return `<section class="scenario" id="${escapeHtml(sectionId(scenario.name, scenario.rpc, matrix))}" data-scenario="${escapeHtml(scenario.name)}" data-rpc="${escapeHtml(scenario.rpc)}" data-ok="${result.ok}">
<h2>${escapeHtml(scenario.name)} <span class="muted">[${escapeHtml(scenario.rpc)}]</span></h2>
<p>${escapeHtml(scenario.summary)}</p>
<p class="meta">Cause: ${escapeHtml(causeOf(scenario))}. Expected: ${escapeHtml(expect.why)}.</p>
${mismatches}
<dl class="sides">
<dt>client</dt><dd>${sideText(result.client, undefined)}</dd>
<dt>server</dt><dd>${sideText(result.server, result.serverNote)}</dd>
</dl>
${findings}
${silence}
<figure class="diagram" data-scenario="${escapeHtml(scenario.name)}">
<div class="diagram-canvas"></div>
<noscript><p>The sequence diagram is drawn by the page's script: allow JavaScript to see it.</p></noscript>
<script type="application/json" class="diagram-data">${jsonForScript(data)}</script>
<figcaption>Sequence diagram of <code>${escapeHtml(scenario.name)}</code>: time runs down, in ms since the scenario started; lanes left to right: ${data.lanes.map((lane) => escapeHtml(lane.label)).join(', ')}. Messages are one band per side (a tick per recorded message); red brackets mark how long each side took to notice the cause.</figcaption>
</figure>
${traceLine(result.traceId, scenario.name, options.jaegerUrl)}
${renderLesson(scenario.name, scenario.lesson, comparisonOf(result))}
</section>`;
}
