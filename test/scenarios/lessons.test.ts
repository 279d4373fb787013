/**
 * The lessons (each in its scenario's module, src/scenarios/catalogue/): one for every
 * catalogue scenario, every module one scenario named after its file, every field filled; the alerts, Grafana panels, Jaeger names and end causes
 * they name exist; the tour in docs/scenarios.md is what `npm run docs:tour` generates; and
 * `streamlab scenarios --explain` prints a lesson, or exits 2 with one line for an unknown name.
 */
import { STOCK_SPANS } from '../../src/scenarios/lessons/stock-spans.data.ts';
import { spanComparison } from '../../src/scenarios/lessons/span-comparison.ts';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { parse } from 'yaml';
import { runCli as cli } from '../helpers/cli.ts';
import { CATALOGUE } from '../../src/scenarios/catalogue.ts';
import type { Scenario } from '../../src/scenarios/catalogue.ts';
import type { Lesson } from '../../src/scenarios/lesson.ts';
import { TOUR_FILE, tourMarkdown, tourSection } from '../../src/scenarios/lessons/tour-markdown.ts';
import { wrapLines } from '../../src/scenarios/lessons/wrap.ts';
import { causesOf } from '../../src/scenarios/scenario.ts';
import * as semconv from '../../src/telemetry/semconv.ts';

const read = (path: string): string => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');
/** The installed version of `pkg`. */
const installedVersion = (pkg: string): string => (JSON.parse(read(`node_modules/${pkg}/package.json`)) as { version: string }).version;

/** The lesson of catalogue scenario `name`. */
const lessonOf = (name: string): Lesson | undefined => CATALOGUE.find((scenario) => scenario.name === name)?.lesson;

/** Every text of `lesson`, one string per field (wire steps one each). */
function textsOf(lesson: Lesson): string[] {
  return [
    ...lesson.wire, lesson.library.client, lesson.library.server, lesson.library.misleads,
    lesson.streamlab, lesson.jaeger, lesson.grafana,
    ...(lesson.alert ? [lesson.alert.rule, lesson.alert.when] : []),
    ...(lesson.quiet !== undefined ? [lesson.quiet] : []),
  ];
}

/** The lessons of the catalogue, in catalogue order (a missing one fails the first test). */
const lessons = (): Array<[Scenario, Lesson]> => CATALOGUE.flatMap((scenario) => {
  const lesson = lessonOf(scenario.name);
  return lesson ? [[scenario, lesson] as [Scenario, Lesson]] : [];
});

test('every catalogue scenario has a lesson with every field filled', () => {
  for (const scenario of CATALOGUE) {
    const lesson = lessonOf(scenario.name);
    assert.ok(lesson, `scenario "${scenario.name}" has no lesson: add it to its module in src/scenarios/catalogue/`);
    assert.ok(lesson.wire.length > 0, `${scenario.name}: wire has no step`);
    for (const [field, text] of Object.entries({
      ...Object.fromEntries(lesson.wire.map((step, index) => [`wire[${index}]`, step])),
      'library.client': lesson.library.client, 'library.server': lesson.library.server, 'library.misleads': lesson.library.misleads,
      streamlab: lesson.streamlab, jaeger: lesson.jaeger, grafana: lesson.grafana,
      ...(lesson.alert ? { 'alert.rule': lesson.alert.rule, 'alert.when': lesson.alert.when } : { quiet: lesson.quiet ?? '' }),
    })) {
      assert.ok(text.trim().length > 0, `${scenario.name}: ${field} is empty`);
      assert.equal((text.match(/`/g) ?? []).length % 2, 0, `${scenario.name}: ${field} has an unclosed backtick`);
      if (field !== 'alert.rule') assert.match(text, /\.$/, `${scenario.name}: ${field} ends with a full stop`);
    }
    if (lesson.alert) assert.equal(lesson.quiet, undefined, `${scenario.name}: an alert and a quiet reason`);
  }
});

test('every module of src/scenarios/catalogue/ is one scenario named after its file, in file-name order', () => {
  const files = readdirSync(new URL('../../src/scenarios/catalogue/', import.meta.url)).filter((file) => file.endsWith('.ts')).sort();
  assert.deepEqual(CATALOGUE.map((scenario) => scenario.name), files.map((file) => file.replace(/^\d{3}-/, '').replace(/\.ts$/, '')));
  assert.equal(new Set(files.map((file) => file.slice(0, 3))).size, files.length, 'every place number once');
});

test('every alert a lesson names is a rule of prometheus/rules/streamlab.rules.yml', () => {
  const rules = parse(read('prometheus/rules/streamlab.rules.yml')) as { groups: Array<{ rules: Array<{ alert?: string }> }> };
  const alerts = new Set(rules.groups.flatMap((group) => group.rules.flatMap((rule) => (rule.alert ? [rule.alert] : []))));
  assert.ok(alerts.size > 5, 'the rules file has alerts');
  for (const [scenario, lesson] of lessons()) {
    if (lesson.alert) assert.ok(alerts.has(lesson.alert.rule), `${scenario.name}: alert ${lesson.alert.rule} is not in the rules file`);
    // Rules named in passing (in `when`, `quiet` or anywhere else) must exist too.
    for (const text of textsOf(lesson)) {
      for (const [name] of text.matchAll(/\b(?:Streamlab|Stream|Fleet)[A-Z][A-Za-z]+\b/g)) {
        assert.ok(alerts.has(name), `${scenario.name}: "${name}" is not an alert of the rules file`);
      }
    }
  }
});

test('every Grafana dashboard and panel a lesson names exists in the generated dashboards', () => {
  const dashboards = readdirSync(new URL('../../grafana/dashboards/', import.meta.url)).filter((file) => file.endsWith('.json'))
    .map((file) => JSON.parse(read(`grafana/dashboards/${file}`)) as { title: string; panels?: Panel[] });
  interface Panel { title?: string; panels?: Panel[] }
  const panelTitles = (panels: readonly Panel[]): string[] => panels.flatMap((panel) => [...(panel.title ? [panel.title] : []), ...panelTitles(panel.panels ?? [])]);
  const dashboardTitles = new Set(dashboards.map((dashboard) => dashboard.title));
  const panels = new Set(dashboards.flatMap((dashboard) => panelTitles(dashboard.panels ?? [])));
  for (const [scenario, lesson] of lessons()) {
    // Titles are in double quotes; code spans (PromQL with label values) are not titles.
    const quoted = [...lesson.grafana.replace(/`[^`]*`/g, '').matchAll(/"([^"]+)"/g)].map((match) => match[1] as string);
    assert.ok(quoted.some((title) => dashboardTitles.has(title)), `${scenario.name}: names no dashboard by its title`);
    assert.ok(quoted.some((title) => panels.has(title)), `${scenario.name}: names no panel by its title`);
    for (const title of quoted) {
      assert.ok(dashboardTitles.has(title) || panels.has(title), `${scenario.name}: "${title}" is neither a dashboard nor a panel title`);
    }
  }
});

test('the Jaeger text names real services, span and event names, and end causes the scenario expects', () => {
  const compose = read('docker-compose.yml');
  const services = new Set([...compose.matchAll(/OTEL_SERVICE_NAME: (\S+)/g)].map((match) => match[1] as string));
  services.add(/OTEL_SERVICE_NAME: '([^']+)'/.exec(read('src/server-process/server-process.ts'))?.[1] ?? 'missing');
  const names = new Set<string>(Object.values(semconv as Record<string, unknown>).filter((value): value is string => typeof value === 'string'));
  for (const [scenario, lesson] of lessons()) {
    const expected = new Set<string>([
      ...causesOf(scenario.expect.client),
      ...(scenario.expect.server === 'gone' || scenario.expect.server === 'none' ? [] : causesOf(scenario.expect.server)),
      ...Object.values(scenario.expectVia ?? {}).flatMap((override) => [override.client, override.server].filter((cause): cause is NonNullable<typeof cause> => cause !== undefined)),
    ]);
    assert.ok(lesson.jaeger.includes(`scenario ${scenario.name}`), `${scenario.name}: the operation \`scenario ${scenario.name}\``);
    for (const [, code] of lesson.jaeger.matchAll(/`([^`]+)`/g)) {
      const token = code as string;
      if (/^streamlab-[a-z-]+$/.test(token)) assert.ok(services.has(token), `${scenario.name}: no service ${token}`);
      const [key, value] = token.split('=') as [string, string | undefined];
      if (key === semconv.ATTR_END_CAUSE) assert.ok(value && expected.has(value), `${scenario.name}: ${token} is not an end cause it expects`);
      if (/^[a-z]+(?:\.[a-z_]+)+(?:\.\*)?$/.test(key)) {
        const known = key.endsWith('.*') ? [...names].some((name) => name.startsWith(key.slice(0, -1))) : names.has(key);
        assert.ok(known, `${scenario.name}: ${key} is not a name of src/telemetry/semconv.ts`);
      }
    }
  }
});

test('every catalogue scenario has its measured span comparison (npm run lessons:stock), both sides where the side records', () => {
  assert.equal(STOCK_SPANS.grpcJs, installedVersion('@grpc/grpc-js'), 'measured with the installed grpc-js: run npm run lessons:stock');
  assert.equal(STOCK_SPANS.instrumentationGrpc, installedVersion('@opentelemetry/instrumentation-grpc'), 'measured with the installed instrumentation-grpc');
  for (const scenario of CATALOGUE) {
    const measured = STOCK_SPANS.scenarios[scenario.name];
    assert.ok(measured?.client?.stock && measured.client.streamlab, `${scenario.name}: the client side is measured`);
    const serverRecords = scenario.expect.server !== 'gone' && scenario.expect.server !== 'none';
    assert.equal(Boolean(measured.server?.stock), serverRecords, `${scenario.name}: the server side is measured when it records`);
    assert.equal(spanComparison(scenario.name)?.length, 2);
  }
});

test('the tour in docs/scenarios.md is what npm run docs:tour generates from the lessons', () => {
  assert.equal(TOUR_FILE, 'docs/scenarios.md');
  assert.equal(tourSection(read(TOUR_FILE)), tourMarkdown(CATALOGUE), `${TOUR_FILE} is out of date: run npm run docs:tour`);
});

test('the tour refuses a catalogue scenario without a lesson', () => {
  const orphan = { ...CATALOGUE[0] as Scenario, name: 'no-such-lesson', lesson: undefined } as unknown as Scenario;
  assert.throws(() => tourMarkdown([...CATALOGUE, orphan]), /no lesson for no-such-lesson/);
});

test('wrapping keeps lines within the width, numbers with their units, and Markdown markers off line starts', () => {
  const text = 'one two three 10 % four five 2 s six - seven 1. eight';
  for (let width = 8; width <= 30; width += 1) {
    const lines = wrapLines(text, { width, first: '- ', rest: '  ', markdown: true });
    assert.equal(lines.map((line) => line.trim()).join(' '), `- ${text}`, `width ${width}: every word once, in order`);
    lines.forEach((line, index) => {
      const words = line.trim().split(' ');
      const last = words.at(-1);
      if (line.length > width) {
        const allowed = words.length === 1 || (words.length === 2 && /^\d+$/.test(words[0] as string)) || last === '-' || last === '1.';
        assert.ok(allowed, `width ${width}: "${line}" is too long`);
      }
      if (index > 0) assert.doesNotMatch(line.trimStart(), /^(?:-|1\.)(?: |$)/, `width ${width}: "${line}" starts with a Markdown marker`);
      assert.doesNotMatch(line, /\b(?:10|2)$/, `width ${width}: "${line}" leaves a number without its unit`);
    });
  }
});


const squeezed = (text: string): string => text.replace(/\s+/g, ' ');

test('scenarios --explain blackhole prints its summary, expectations and lesson, and exits 0', async () => {
  const result = await cli(['scenarios', '--explain', 'blackhole']);
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stderr, '');
  const lesson = lessonOf('blackhole') as Lesson;
  for (const heading of ['Expected', 'On the wire', 'What grpc-js reports', 'How streamlab tells', 'In Jaeger', 'RPC spans: instrumentation-grpc vs streamlab', 'In Grafana', 'Alert']) {
    assert.match(result.stdout, new RegExp(`^${heading}$`, 'm'), `heading ${heading}`);
  }
  for (const text of textsOf(lesson)) assert.ok(squeezed(result.stdout).includes(squeezed(text)), `the output holds: ${text}`);
  assert.match(result.stdout, /after 3 events the fault proxy silently drops everything/i);
  assert.match(result.stdout, /^ {2}client +keepalive_timeout \(UNAVAILABLE\)$/m);
  for (const line of result.stdout.split('\n')) assert.ok(line.length <= 80, `fits 80 columns: "${line}"`);
});

test('scenarios --explain NAME --json prints the scenario with its lesson as one JSON document', async () => {
  const result = await cli(['scenarios', '--explain', 'cancel', '--json']);
  assert.equal(result.code, 0, result.stderr);
  const document = JSON.parse(result.stdout) as { name: string; expected: { client: string[] }; lesson: Lesson };
  assert.equal(document.name, 'cancel');
  assert.deepEqual(document.expected.client, ['client_cancelled']);
  assert.deepEqual(document.lesson, lessonOf('cancel'));
});

test('scenarios --explain with an unknown name exits 2 with one line listing the known names', async () => {
  const result = await cli(['scenarios', '--explain', 'nosuch']);
  assert.equal(result.code, 2);
  assert.equal(result.stdout, '');
  const lines = result.stderr.trim().split('\n');
  assert.equal(lines.length, 1, result.stderr);
  assert.match(lines[0] as string, /^error: unknown scenario "nosuch": allowed are /);
  for (const scenario of CATALOGUE) assert.ok((lines[0] as string).includes(scenario.name), `lists ${scenario.name}`);
});
