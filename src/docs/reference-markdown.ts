/**
 * docs/reference.md, generated from the code that is its source (issue 20): the CLI from the
 * commands' own `--help` (cli-help.ts), the configuration from src/config.ts's variable
 * tables, the telemetry names from src/telemetry (semconv.ts, semconv-docs.ts,
 * metric-specs.ts, log-writer.ts) and src/core/lifecycle-events.ts, the end causes from
 * src/core/end-cause.ts. `npm run docs:reference` (scripts/docs-reference.ts) writes it;
 * test/docs/reference.test.ts fails while the file differs.
 */
import { END_CAUSES, END_CAUSE_EVENTS, END_CAUSE_SPECS, END_CAUSE_TRAILER } from '../core/end-cause.ts';
import type { EndCauseSpec } from '../core/end-cause.ts';
import { STREAM_EVENTS } from '../core/lifecycle-events.ts';
import type { StreamEventName, StreamEventSpec } from '../core/lifecycle-events.ts';
import { INTERNAL_VARIABLES, OTEL_VARIABLES, STREAMLAB_VARIABLES } from '../config.ts';
import type { EnvVariableDoc } from '../config.ts';
import { METRIC_SPECS } from '../telemetry/metric-specs.ts';
import type { MetricSpec } from '../telemetry/metric-specs.ts';
import { SPAN_BACKPRESSURE_WAIT } from '../telemetry/semconv.ts';
import { ATTRIBUTE_DOCS, BAGGAGE_DOCS, LABEL_DOCS, OTHER_EVENT_DOCS, SPAN_DOCS } from '../telemetry/semconv-docs.ts';
import { LIFECYCLE_LOG_RECORDS, LOG_FIELDS } from '../telemetry/log-writer.ts';
import { markdownTable } from './markdown-table.ts';
import type { CommandHelp } from './cli-help.ts';

/** What the reference needs that is not imported: the CLI's help texts (cli-help.ts `captureCliHelp`). */
export interface ReferenceInputs {
  cli: readonly CommandHelp[];
}

const code = (text: string): string => `\`${text}\``;
const list = (items: readonly string[]): string => items.map(code).join(', ');

/** The command line of a help entry: `streamlab alerts test`. */
const commandLine = (path: readonly string[]): string => ['streamlab', ...path].join(' ');

/** The GitHub anchor of a heading: lower case, spaces to dashes, punctuation dropped. */
function anchor(heading: string): string {
  return heading.toLowerCase().replace(/[^\w\- ]/g, '').replace(/ /g, '-');
}

function cliSection(cli: readonly CommandHelp[]): string {
  if (cli.length === 0) throw new Error('reference: no CLI help captured');
  const commands = cli.map(({ path, help }) => [`### ${code(commandLine(path))}`, '', '```text', help, '```'].join('\n'));
  return [
    '## CLI',
    '',
    'Each command prints this with `--help` (here with no `STREAMLAB_*` variable set: some of',
    'them change defaults, see [Configuration](#configuration)). Usage errors (a bad flag, value,',
    'port or scenario name) print one line and exit 2.',
    '',
    cli.map(({ path }) => `[${code(commandLine(path))}](#${anchor(commandLine(path))})`).join(' · '),
    '',
    commands.join('\n\n'),
  ].join('\n');
}

const variableRows = (variables: Readonly<Record<string, EnvVariableDoc>>): string[][] =>
  Object.entries(variables).map(([name, doc]) => [code(name), doc.values, doc.default, doc.meaning]);

function configurationSection(): string {
  const header = ['variable', 'values', 'default', 'meaning'];
  return [
    '## Configuration',
    '',
    'Command flags win over these variables. A bad `STREAMLAB_*` value stops every command with',
    'exit 2 and one line naming the variable, its value and what is allowed.',
    '',
    '### streamlab',
    '',
    markdownTable(header, variableRows(STREAMLAB_VARIABLES)),
    '',
    '### OpenTelemetry',
    '',
    'Read by the OpenTelemetry SDK, which parses them (src/instrumentation.ts picks the exporter by them).',
    '',
    markdownTable(header, variableRows(OTEL_VARIABLES)),
    '',
    '### Set by streamlab or its launcher',
    '',
    markdownTable(header, variableRows(INTERNAL_VARIABLES)),
  ].join('\n');
}

/** The unit of a metric, from its name (Prometheus naming: the unit is the last word before `_total`). */
function unitOf(name: string): string {
  if (name.endsWith('_timestamp_seconds')) return 'Unix time, s';
  if (name.endsWith('_seconds')) return 's';
  if (name.endsWith('_bytes')) return 'bytes';
  return '1';
}

function metricRow(name: string, spec: MetricSpec): string[] {
  const recorded = spec.recordedBy ? ` *Recorded by ${spec.recordedBy}.*` : '';
  return [code(name), spec.type, unitOf(name), spec.labelNames.length > 0 ? list(spec.labelNames) : '—', spec.exemplars ? 'yes' : '', `${spec.help}${recorded}`];
}

function eventRow(name: string, spec: StreamEventSpec): string[] {
  const mark = spec.timeline ? `${code(spec.timeline.char)} ${spec.timeline.legend}` : '';
  return [code(name), 'RPC spans', mark, spec.meaning];
}

function telemetrySection(): string {
  const events = (Object.entries(STREAM_EVENTS) as Array<[StreamEventName, StreamEventSpec]>)
    .filter(([name]) => name !== SPAN_BACKPRESSURE_WAIT)
    .map(([name, spec]) => eventRow(name, spec));
  const otherEvents = Object.entries(OTHER_EVENT_DOCS).map(([name, doc]) => [code(name), doc.on, '', doc.meaning]);
  const metrics = Object.entries(METRIC_SPECS) as Array<[string, MetricSpec]>;
  const histograms = metrics.filter(([, spec]) => spec.buckets);
  const phaseRecords = Object.entries(LIFECYCLE_LOG_RECORDS).map(([event, record]) => [code(record.message), record.level, code(event)]);
  return [
    '## Telemetry',
    '',
    'Standard names follow the OpenTelemetry RPC semantic conventions and go-grpc-prometheus;',
    'streamlab\'s own are under `streamlab.` (attributes) and `streamlab_` (metrics). The names',
    'are declared in `src/telemetry/semconv.ts`.',
    '',
    '### Spans',
    '',
    markdownTable(['span', 'kind, where', 'what it is'], Object.entries(SPAN_DOCS).map(([name, doc]) => [code(name), doc.on, doc.meaning])),
    '',
    '### Span events',
    '',
    'The events of a stream\'s life are declared in `src/core/lifecycle-events.ts`; those with a',
    'timeline mark are lifecycle records too, drawn by the text timeline and the HTML report.',
    '',
    markdownTable(['event', 'on', 'timeline mark', 'meaning'], [...events, ...otherEvents]),
    '',
    '### Span and event attributes',
    '',
    markdownTable(['attribute', 'on', 'meaning'], Object.entries(ATTRIBUTE_DOCS).map(([name, doc]) => [code(name), doc.on, doc.meaning])),
    '',
    '### Metrics',
    '',
    'One prom-client registry per app, served on `/metrics` (OpenMetrics with `trace_id` exemplars',
    'when the scraper asks for it). Declared in `src/telemetry/metric-specs.ts`. Per-message counts',
    'are added to the counters in batches: at each segment, at the stream\'s end and on every scrape.',
    '',
    markdownTable(['metric', 'type', 'unit', 'labels', 'exemplars', 'help'], metrics.map(([name, spec]) => metricRow(name, spec))),
    '',
    'Histogram buckets (upper bounds, in the metric\'s unit):',
    '',
    markdownTable(['histogram', 'buckets'], histograms.map(([name, spec]) => [code(name), spec.buckets!.join(', ')])),
    '',
    '### Metric labels',
    '',
    markdownTable(['label', 'values'], Object.entries(LABEL_DOCS).map(([name, values]) => [code(name), values])),
    '',
    '### Logs',
    '',
    'winston: JSON lines in containers, pretty on a terminal (`--log-format`, `STREAMLAB_LOG_FORMAT`).',
    'Each call writes these lifecycle records (protocol events such as `delivery.redeliver` are',
    'written too, their name as message, at their own level):',
    '',
    markdownTable(['message', 'level', 'event'], phaseRecords),
    '',
    'Their fields, besides winston\'s `level`, `message` and `timestamp` (a protocol event adds its',
    'span event\'s attributes, `stream end` the service\'s attachments, e.g. `delivery`):',
    '',
    markdownTable(['field', 'meaning'], Object.entries(LOG_FIELDS).map(([name, meaning]) => [code(name), meaning])),
    '',
    '### Baggage',
    '',
    markdownTable(['key', 'meaning'], Object.entries(BAGGAGE_DOCS).map(([name, meaning]) => [code(name), meaning])),
  ].join('\n');
}

function endCauseRow(cause: (typeof END_CAUSES)[number]): string[] {
  const spec: EndCauseSpec = END_CAUSE_SPECS[cause];
  const event = (END_CAUSE_EVENTS as Partial<Record<string, string>>)[cause];
  return [
    code(cause),
    spec.server ?? '— (client only)',
    spec.client,
    spec.clientStatus ?? 'any other non-OK',
    event ? code(event) : '—',
  ];
}

function endCausesSection(): string {
  return [
    '## End causes',
    '',
    'Why a stream ended, one vocabulary for spans (`streamlab.end_cause`), metrics (label',
    '`end_cause`), logs (`end_cause`), reports and `--json`. When a call was cancelled or its',
    'connection died, that decides the cause, whatever status the handler sent afterwards. Every',
    `status a streamlab server sends carries its own cause in the trailer ${code(END_CAUSE_TRAILER)}. The`,
    'event column names the cause\'s own event, which the call records at its end unless it',
    'already did; then comes `transport.close` when the connection closed, and last `stream.end`.',
    '',
    markdownTable(['end cause', 'server side means', 'client side means', 'client\'s gRPC status', 'event'], END_CAUSES.map(endCauseRow)),
  ].join('\n');
}

/** The sections, in order: heading and what it holds (the table of contents). */
const SECTIONS = [
  ['CLI', 'every command and subcommand with its usage and options'],
  ['Configuration', 'the environment variables, their values and defaults'],
  ['Telemetry', 'spans, span events, attributes, metrics, labels, log records and fields, baggage'],
  ['End causes', 'what each means on each side, its gRPC status and events'],
] as const;

/**
 * The whole of docs/reference.md, ending with a newline.
 * @throws Error when `inputs.cli` is empty, or a table row is malformed
 */
export function referenceMarkdown(inputs: ReferenceInputs): string {
  const page = [
    '# streamlab reference',
    '',
    '<!-- Generated by `npm run docs:reference` (src/docs/reference-markdown.ts): edit the code, not this file. -->',
    '',
    'Every command, variable, telemetry name and end cause of streamlab, generated from the code',
    'that defines them, so it cannot drift: `npm test` fails while this page differs from what',
    '`npm run docs:reference` writes. For what they are for, start with the [README](../README.md);',
    'for why they are so, [design.md](design.md).',
    '',
    ...SECTIONS.map(([heading, what]) => `- [${heading}](#${anchor(heading)}): ${what}`),
    '',
    cliSection(inputs.cli),
    '',
    configurationSection(),
    '',
    telemetrySection(),
    '',
    endCausesSection(),
  ];
  return `${page.join('\n')}\n`;
}
