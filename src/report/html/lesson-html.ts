/**
 * A scenario's lesson (src/scenarios/lesson.ts) as HTML: on the wire, what gRPC reports,
 * how streamlab tells, Jaeger, Grafana, alert. Text is escaped; `backtick spans` become
 * <code>. A scenario without a lesson gets `<div class="lesson missing">`.
 */
import { alertsMatrixHint } from '../../scenarios/lesson.ts';
import type { Lesson } from '../../scenarios/lesson.ts';
import { escapeHtml, inlineCode } from './escape.ts';

/** `<div class="lesson">` for `lesson`, or the "no lesson yet" box for scenario `name`. */
export function renderLesson(name: string, lesson: Lesson | undefined): string {
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
<h4>Grafana</h4>
<p>${inlineCode(lesson.grafana)}</p>
<h4>Alert</h4>
${alert}
<p class="alerts-matrix">${inlineCode(alertsMatrixHint(name))}</p>
</div>`;
}
