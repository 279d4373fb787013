/**
 * A scenario and its lesson as terminal text (`streamlab scenarios --explain NAME`): the
 * summary, what each side expects, then one headed section per part of the lesson, every
 * paragraph wrapped to the terminal's width with a hanging indent.
 */
import { alertsMatrixHint } from '../lesson.ts';
import type { Lesson } from '../lesson.ts';
import type { Scenario } from '../scenario.ts';
import { capitalized, expectationView, sentence } from './expectation-view.ts';
import { spanComparison, spanComparisonSource } from './span-comparison.ts';
import { wrap } from './wrap.ts';

const INDENT = '  ';
/** Width of the label column in labelled lines (`client   …`). */
const LABEL = 11;

/** A labelled paragraph: `  label     text…`, continuation lines aligned under the text. */
function labelled(label: string, text: string, width: number): string {
  return wrap(text, { width, first: `${INDENT}${label.padEnd(LABEL - 1)} `, rest: INDENT + ' '.repeat(LABEL) });
}

/** An indented paragraph. */
function paragraph(text: string, width: number): string {
  return wrap(text, { width, first: INDENT });
}

/** A headed section. */
function section(heading: string, lines: string[]): string {
  return [heading, ...lines].join('\n');
}

/** The alert section's lines. */
function alertLines(scenario: string, lesson: Lesson, width: number): string[] {
  const hint = paragraph(alertsMatrixHint(scenario), width);
  if (lesson.alert) return [paragraph(`${lesson.alert.rule}: ${lesson.alert.when}`, width), hint];
  return [paragraph(`None. ${lesson.quiet ?? ''}`.trim(), width), hint];
}

/** The span comparison's lines: per side, what the stock instrumentation records, then streamlab. */
function spanLines(scenario: string, width: number): string[] {
  const rows = spanComparison(scenario);
  if (!rows) return [paragraph('Not measured yet: run `npm run lessons:stock`.', width)];
  return [
    paragraph(`${capitalized(spanComparisonSource(false))}.`, width),
    ...rows.flatMap((row) => [labelled(row.side, `instrumentation-grpc: ${row.stock}.`, width), labelled('', `streamlab: ${row.streamlab}.`, width)]),
  ];
}

/**
 * `scenario` and `lesson` as terminal text, ending with a newline.
 * @param core whether the scenario is in the core set (`streamlab run` with no names)
 * @param width line width, at least 40
 */
export function explainText(scenario: Scenario, lesson: Lesson, core: boolean, width = 80): string {
  const columns = Math.max(40, width);
  const expected = expectationView(scenario);
  const title = `${scenario.name} (${scenario.rpc}${core ? ', core' : ''})`;
  const sections = [
    [title, wrap(sentence(capitalized(scenario.summary)), { width: columns })].join('\n'),
    section('Expected', [
      labelled('client', expected.client, columns),
      labelled('server', expected.server, columns),
      labelled('why', sentence(expected.why), columns),
      // What differs through another fault backend, labelled with its name (`toxiproxy`).
      ...expected.via.map((via) => {
        const sides = [via.client ? `client ${via.client}` : '', via.server ? `server ${via.server}` : ''].filter(Boolean).join(', ');
        return labelled(via.backend, `${sides}: ${sentence(via.why)}`, columns);
      }),
    ]),
    section('On the wire', lesson.wire.map((step, index) => {
      const marker = `${index + 1}. `;
      return wrap(step, { width: columns, first: INDENT + marker, rest: INDENT + ' '.repeat(marker.length) });
    })),
    section('What grpc-js reports', [
      labelled('client', lesson.library.client, columns),
      labelled('server', lesson.library.server, columns),
      labelled('misleads', lesson.library.misleads, columns),
    ]),
    section('How streamlab tells', [paragraph(lesson.streamlab, columns)]),
    section('In Jaeger', [paragraph(lesson.jaeger, columns)]),
    section('RPC spans: instrumentation-grpc vs streamlab', spanLines(scenario.name, columns)),
    section('In Grafana', [paragraph(lesson.grafana, columns)]),
    section('Alert', alertLines(scenario.name, lesson, columns)),
  ];
  return `${sections.join('\n\n')}\n`;
}
