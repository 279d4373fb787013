/**
 * The tour of the scenarios in docs/scenarios.md, generated from the catalogue's lessons (no
 * second copy of the text): one short subsection per catalogue scenario, between the markers
 * `<!-- lessons:start -->` and `<!-- lessons:end -->`. `npm run docs:tour`
 * (scripts/docs-tour.ts) rewrites that part of docs/scenarios.md; test/scenarios/lessons.test.ts
 * checks it is up to date.
 */
import { alertsMatrixHint } from '../lesson.ts';
import type { Lesson } from '../lesson.ts';
import { causesOf } from '../scenario.ts';
import type { ExpectedServer, Scenario } from '../scenario.ts';
import { grpcCodeName } from '../../telemetry/grpc-status.ts';
import { capitalized, sentence } from './expectation-view.ts';
import { wrap } from './wrap.ts';

export const TOUR_START = '<!-- lessons:start -->';
export const TOUR_END = '<!-- lessons:end -->';
/** The page that holds the tour, relative to the repository root. */
export const TOUR_FILE = 'docs/scenarios.md';

/** Line width of the generated Markdown, as the rest of the docs. */
const WIDTH = 96;

const md = (text: string, first = '', rest?: string): string => wrap(text, { width: WIDTH, first, markdown: true, ...(rest !== undefined ? { rest } : {}) });

/** End causes in code spans: `a`, or `a` or `b`. */
function causes(list: readonly string[]): string {
  return list.map((cause) => `\`${cause}\``).join(' or ');
}

/** The server's expectation in words. */
function serverExpected(server: ExpectedServer): string {
  if (server === 'gone') return 'gone (killed: it records nothing)';
  if (server === 'none') return 'none (no server)';
  return causes(causesOf(server));
}

/** The "Expected:" sentence of `scenario`, with what differs through other fault backends. */
function expectedLine(scenario: Scenario): string {
  const { expect } = scenario;
  const via = Object.entries(scenario.expectVia ?? {}).map(([backend, override]) => {
    const sides = [override.client ? `client \`${override.client}\`` : '', override.server ? `server \`${override.server}\`` : ''].filter(Boolean);
    return ` Through ${capitalized(backend)}: ${sides.join(', ')}.`;
  });
  return `Expected: client ${causes(causesOf(expect.client))} (${grpcCodeName(expect.clientCode)}), server ${serverExpected(expect.server)}.${via.join('')}`;
}

/** One scenario's subsection. */
export function scenarioMarkdown(scenario: Scenario, lesson: Lesson): string {
  const alert = lesson.alert
    ? `**Alert**: \`${lesson.alert.rule}\`. ${lesson.alert.when}`
    : `**Alert**: none. ${lesson.quiet ?? ''}`.trim();
  const hint = alertsMatrixHint(scenario.name);
  return [
    `#### ${scenario.name}`,
    '',
    md(`*${sentence(capitalized(scenario.summary))}* ${expectedLine(scenario)}`),
    '',
    '<details><summary>The lesson: the wire, grpc-js, streamlab, Jaeger, Grafana, the alert</summary>',
    '',
    '**On the wire**, in order:',
    '',
    ...lesson.wire.map((step, index) => md(step, `${index + 1}. `, '   ')),
    '',
    md(`**grpc-js** on the client: ${lesson.library.client} On the server: ${lesson.library.server} Why that alone misleads: ${lesson.library.misleads}`, '- '),
    md(`**streamlab**: ${lesson.streamlab}`, '- '),
    md(`**Jaeger**: ${lesson.jaeger}`, '- '),
    md(`**Grafana**: ${lesson.grafana}`, '- '),
    md(`${alert} ${hint}`, '- '),
    '',
    '</details>',
  ].join('\n');
}

/**
 * The tour: every scenario of `catalogue` in order, the text between the markers (without
 * them), starting and ending with a newline.
 * @throws Error naming the scenarios of `catalogue` that have no lesson
 */
export function tourMarkdown(catalogue: readonly Scenario[]): string {
  // The type requires a lesson; a scenario built some other way (JSON, a cast) may still lack one.
  const missing = catalogue.filter((scenario) => !(scenario as Partial<Scenario>).lesson).map((scenario) => scenario.name);
  if (missing.length > 0) throw new Error(`no lesson for ${missing.join(', ')}: add it to the scenario's module in src/scenarios/catalogue/`);
  const sections = catalogue.map((scenario) => scenarioMarkdown(scenario, scenario.lesson));
  return `\n${sections.join('\n\n')}\n`;
}

/**
 * The part of `page` (the text of {@link TOUR_FILE}) between the markers.
 * @throws Error when the markers are missing, repeated or out of order
 */
export function tourSection(page: string): string {
  const start = page.indexOf(TOUR_START);
  const end = page.indexOf(TOUR_END);
  if (start < 0 || end < 0 || end < start || page.indexOf(TOUR_START, start + 1) >= 0 || page.indexOf(TOUR_END, end + 1) >= 0) {
    throw new Error(`${TOUR_FILE} needs exactly one ${TOUR_START} followed by one ${TOUR_END}`);
  }
  return page.slice(start + TOUR_START.length, end);
}

/**
 * `page` with the part between the markers replaced by `tour`.
 * @throws Error when the markers are missing, repeated or out of order
 */
export function withTour(page: string, tour: string): string {
  const current = tourSection(page);
  const start = page.indexOf(TOUR_START) + TOUR_START.length;
  return page.slice(0, start) + tour + page.slice(start + current.length);
}
