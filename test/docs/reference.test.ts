/**
 * docs/reference.md (src/docs/reference-markdown.ts): the file is what `npm run docs:reference`
 * generates, and what it is generated from is complete — every metric a real registry holds
 * is declared for it, every prom-client metric in src/ is created from its declaration, every
 * telemetry name of semconv.ts is described, every environment variable src/ reads is
 * declared and parsed, every end cause is described with the status the catalogue expects.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { captureCliHelp, subcommandsOf } from '../../src/docs/cli-help.ts';
import { markdownTable } from '../../src/docs/markdown-table.ts';
import { referenceMarkdown } from '../../src/docs/reference-markdown.ts';
import { ConfigError, INTERNAL_VARIABLES, loadEnvConfig, OTEL_VARIABLES, STREAMLAB_VARIABLES } from '../../src/config.ts';
import { END_CAUSES, END_CAUSE_SPECS } from '../../src/core/end-cause.ts';
import type { EndCauseSpec } from '../../src/core/end-cause.ts';
import { STREAM_EVENTS } from '../../src/core/lifecycle-events.ts';
import { deliveryMetricsOf } from '../../src/delivery/delivery-metrics.ts';
import { goawayCounterOf } from '../../src/rpc/server/http2-sessions.ts';
import { CATALOGUE } from '../../src/scenarios/catalogue.ts';
import { causesOf } from '../../src/scenarios/scenario.ts';
import { overflowCounterOf } from '../../src/services/bounded-writes.ts';
import { grpcCodeName } from '../../src/telemetry/grpc-status.ts';
import { METRIC_SPECS } from '../../src/telemetry/metric-specs.ts';
import type { MetricSpec } from '../../src/telemetry/metric-specs.ts';
import { createMetrics, createRegistry } from '../../src/telemetry/metrics.ts';
import * as semconv from '../../src/telemetry/semconv.ts';
import { ATTRIBUTE_DOCS, BAGGAGE_DOCS, LABEL_DOCS, OTHER_EVENT_DOCS, SPAN_DOCS } from '../../src/telemetry/semconv-docs.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const read = (path: string): string => readFileSync(join(ROOT, path), 'utf8');

/** Every .ts file under src/ but the generated proto types, with its text. */
function sources(): Array<[string, string]> {
  const files = readdirSync(join(ROOT, 'src'), { recursive: true, encoding: 'utf8' })
    .filter((path) => path.endsWith('.ts') && !path.startsWith('generated'));
  return files.map((path) => [`src/${path}`, read(`src/${path}`)]);
}

// Captured once (a child process per command): the first test waits for it.
const cliHelp = captureCliHelp();

test('docs/reference.md is what npm run docs:reference generates from the code', async () => {
  assert.equal(read('docs/reference.md'), referenceMarkdown({ cli: await cliHelp }), 'docs/reference.md is out of date: run npm run docs:reference');
});

test('the CLI part has every command streamlab --help lists, and their subcommands', async () => {
  const helps = await cliHelp;
  const paths = helps.map(({ path }) => path.join(' '));
  const top = helps.find(({ path }) => path.length === 0)!;
  const commands = subcommandsOf(top.help);
  for (const name of ['serve', 'client', 'run', 'scenarios', 'mock', 'load', 'fleet', 'alerts']) assert.ok(commands.includes(name), `streamlab --help lists ${name}`);
  assert.ok(!commands.includes('help'), 'commander\'s own help command is left out');
  for (const name of commands) assert.ok(paths.includes(name), `streamlab ${name} --help was captured`);
  assert.ok(paths.includes('alerts test'), 'subcommands are captured (streamlab alerts test)');
  for (const { path, help } of helps) assert.match(help, new RegExp(`^Usage: ${['streamlab', ...path].join(' ')} `), `the help of streamlab ${path.join(' ')}`);
});

test('subcommandsOf reads commander\'s Commands section, continuation lines and help left out', () => {
  const help = [
    'Usage: streamlab alerts [options] [command]', '', 'Options:', '  -h, --help   display help for command', '',
    'Commands:', '  test [options] <rules...>  which of your alert rules fire', '                             for which stream ending',
    '  other-one                  more', '  help [command]             display help for command', '',
  ].join('\n');
  assert.deepEqual(subcommandsOf(help), ['test', 'other-one']);
  assert.deepEqual(subcommandsOf('Usage: streamlab serve [options]\n\nOptions:\n  --port <port>  the port'), []);
});

test('a real metrics registry holds exactly the declared metrics, with their type and help', async () => {
  const registry = createRegistry();
  createMetrics(registry);
  // The metrics created on first use, by the modules that own them.
  deliveryMetricsOf(registry);
  overflowCounterOf(registry);
  goawayCounterOf(registry);
  const registered = (await registry.getMetricsAsJSON()).map((metric) => ({ name: metric.name, type: String(metric.type), help: metric.help }));
  const declared = (Object.entries(METRIC_SPECS) as Array<[string, MetricSpec]>).map(([name, spec]) => ({ name, type: spec.type, help: spec.help }));
  const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);
  assert.deepEqual(registered.sort(byName), declared.sort(byName), 'a metric is registered without a declaration in src/telemetry/metric-specs.ts, or declared and never registered');
  const reference = read('docs/reference.md');
  for (const { name } of registered) assert.ok(reference.includes(`| \`${name}\` |`), `docs/reference.md has a row for ${name}`);
});

test('every prom-client metric in src/ is created from its declaration (metricOptions)', () => {
  let found = 0;
  for (const [path, text] of sources()) {
    for (const match of text.matchAll(/new (Counter|Gauge|Histogram|Summary)\s*(<[^>]*>)?\s*\(/g)) {
      found += 1;
      const options = text.slice(match.index + match[0].length, match.index + match[0].length + 200);
      assert.match(options, /^\s*\{\s*\.\.\.metricOptions\(/, `${path}: new ${match[1]}(...) spreads metricOptions(name) from src/telemetry/metric-specs.ts`);
    }
  }
  assert.ok(found >= 30, `found ${found} metric constructions in src/`);
});

test('every telemetry name of semconv.ts is described for the reference, and nothing else is', () => {
  const events = new Set<string>([...Object.keys(STREAM_EVENTS), ...Object.keys(OTHER_EVENT_DOCS)]);
  const tables: Array<[string, ReadonlySet<string>]> = [
    ['ATTR_', new Set(Object.keys(ATTRIBUTE_DOCS))],
    ['SPAN_', new Set(Object.keys(SPAN_DOCS))],
    ['EVENT_', events],
    ['LABEL_', new Set(Object.keys(LABEL_DOCS))],
    ['BAGGAGE_', new Set(Object.keys(BAGGAGE_DOCS))],
    ['METRIC_', new Set(Object.keys(METRIC_SPECS))],
  ];
  for (const [prefix, described] of tables) {
    const names = Object.entries(semconv).filter(([key]) => key.startsWith(prefix)).map(([, value]) => value as string);
    assert.ok(names.length > 0, `semconv.ts exports ${prefix}* names`);
    for (const name of names) assert.ok(described.has(name), `${prefix}* name ${name} is described (semconv-docs.ts, lifecycle-events.ts or metric-specs.ts)`);
    if (prefix === 'EVENT_' || prefix === 'SPAN_') continue; // events and spans of a stream are declared in core; two span docs are patterns
    for (const name of described) assert.ok(names.includes(name), `${name} is described but semconv.ts has no ${prefix}* constant for it`);
  }
});

test('every environment variable src/ reads is declared, and loadEnvConfig parses every STREAMLAB_* one', () => {
  const declared = new Set([...Object.keys(STREAMLAB_VARIABLES), ...Object.keys(OTEL_VARIABLES), ...Object.keys(INTERNAL_VARIABLES)]);
  let reads = 0;
  for (const [path, text] of sources()) {
    for (const match of text.matchAll(/process\.env\.([A-Za-z_][A-Za-z0-9_]*)/g)) {
      reads += 1;
      assert.ok(declared.has(match[1]!), `${path} reads ${match[1]}: declare it in src/config.ts`);
    }
    // Any STREAMLAB_* name a message or help text mentions (prefixes such as STREAMLAB_MOCK_ end with _).
    for (const match of text.matchAll(/\bSTREAMLAB_[A-Z][A-Z0-9_]*[A-Z0-9]\b/g)) {
      if (match[0] === 'STREAMLAB_VARIABLES') continue;
      assert.ok(declared.has(match[0]), `${path} names ${match[0]}: declare it in src/config.ts`);
    }
  }
  assert.ok(reads >= 5, `found ${reads} process.env reads in src/`);
  for (const name of Object.keys(STREAMLAB_VARIABLES)) {
    assert.throws(() => loadEnvConfig({ [name]: 'not allowed \u0000' }, false), (error: unknown) =>
      error instanceof ConfigError && error.message.startsWith(`${name}`), `loadEnvConfig refuses a bad ${name}, naming it`);
  }
});

test('every end cause is described, with the client status the catalogue expects', () => {
  const reference = read('docs/reference.md');
  const claimed = new Set(Object.values(END_CAUSE_SPECS).map((spec: EndCauseSpec) => spec.clientStatus).filter(Boolean));
  for (const cause of END_CAUSES) assert.ok(reference.includes(`| \`${cause}\` |`), `docs/reference.md has a row for end cause ${cause}`);
  let checked = 0;
  for (const scenario of CATALOGUE) {
    const causes = causesOf(scenario.expect.client);
    if (causes.length !== 1) continue;
    const spec: EndCauseSpec = END_CAUSE_SPECS[causes[0]!];
    const status = grpcCodeName(scenario.expect.clientCode);
    checked += 1;
    if (spec.clientStatus) assert.equal(status, spec.clientStatus, `scenario ${scenario.name}: client ${causes[0]} with ${status}, END_CAUSE_SPECS says ${spec.clientStatus}`);
    else assert.ok(!claimed.has(status as EndCauseSpec['clientStatus']), `scenario ${scenario.name}: ${causes[0]} with ${status}, a status another cause claims`);
  }
  assert.ok(checked >= 10, `${checked} catalogue scenarios checked`);
});

test('markdownTable escapes pipes, joins lines and refuses a row of the wrong length', () => {
  assert.equal(markdownTable(['a', 'b'], [['x | y', 'one\ntwo']]), '| a | b |\n|---|---|\n| x \\| y | one two |');
  assert.throws(() => markdownTable(['a', 'b'], [['only one']]), /row 0 has 1 cells, the header 2/);
});
