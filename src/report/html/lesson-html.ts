/**
 * A scenario's lesson (src/scenarios/lesson.ts) as HTML: on the wire, what gRPC reports,
 * how streamlab tells, Jaeger, Grafana, alert. Text is escaped; `backtick spans` become
 * <code>. A scenario without a lesson gets `<div class="lesson missing">`.
 */
import { alertsMatrixHint } from '../../scenarios/lesson.ts';
import type { Lesson } from '../../scenarios/lesson.ts';
import { escapeHtml, inlineCode } from './escape.ts';
import type { SpanComparisonRow } from '../../scenarios/lessons/span-comparison.ts';

/** What the stock instrumentation records next to what streamlab records, per side (issue 15). */
export interface SpanComparisonView {
  rows: SpanComparisonRow[];
  /** Where the stock facts come from, in words. */
  source: string;
}

/** The comparison as a table, or a note that it was not measured. */
function renderSpanComparison(comparison: SpanComparisonView | undefined): string {
  if (!comparison) return '<p class="muted">Not measured yet: run <code>npm run lessons:stock</code>.</p>';
  const rows = comparison.rows.map((row) => `<tr><th scope="row">${escapeHtml(row.side)}</th><td>${inlineCode(row.stock)}</td><td>${inlineCode(row.streamlab)}</td></tr>`).join('');
  return `<table class="span-comparison"><caption>${inlineCode(comparison.source)}</caption><thead><tr><th scope="col">side</th><th scope="col">instrumentation-grpc</th><th scope="col">streamlab</th></tr></thead><tbody>${rows}</tbody></table>`;
}

/** `<div class="lesson">` for `lesson`, or the "no lesson yet" box for scenario `name`. */
export function renderLesson(name: string, lesson: Lesson | undefined, spans?: SpanComparisonView): string {
  if (!lesson) {
    return `<div class="lesson missing"><h3>Lesson</h3><p>No lesson yet for <code>${escapeHtml(name)}</code>: the diagram and the table above are what this run showed.</p></div>`;
  }
  const alert = lesson.alert
    ? `<p><code>${escapeHtml(lesson.alert.rule)}</code>: ${inlineCode(lesson.alert.when)}</p>`
    : `<p>No alert should fire${lesson.quiet ? `: ${inlineCode(lesson.quiet)}` : '.'}</p>`;
  return `<div class="lesson">
<h3>Lesson</h3>
<h4>On the wire</h4>
<ol class="wire">${lesson.wire.map((step) => `<li>${inlineCode(step)}</li>`).join('')}</ol>
<h4>What gRPC reports</h4>
<dl class="sides">
<dt>client</dt><dd>${inlineCode(lesson.library.client)}</dd>
<dt>server</dt><dd>${inlineCode(lesson.library.server)}</dd>
<dt>misleads</dt><dd>${inlineCode(lesson.library.misleads)}</dd>
</dl>
<h4>How streamlab tells</h4>
<p>${inlineCode(lesson.streamlab)}</p>
<h4>Jaeger</h4>
<p>${inlineCode(lesson.jaeger)}</p>
<h4>RPC spans: instrumentation-grpc vs streamlab</h4>
${renderSpanComparison(spans)}
<h4>Grafana</h4>
<p>${inlineCode(lesson.grafana)}</p>
<h4>Alert</h4>
${alert}
<p class="alerts-matrix">${inlineCode(alertsMatrixHint(name))}</p>
</div>`;
}
