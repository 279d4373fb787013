/**
 * `streamlab load`: keeps N concurrent calls of any method open for a duration, against one
 * target, and reports why every stream ended (issue 9 item 6). The schema comes from
 * --proto files or the server's reflection; the calls are observed like streamlab's own.
 */
import { InvalidArgumentError, Option } from 'commander';
import type { Command } from 'commander';
import { createDynamicClient, MethodNotFoundError } from '../client/dynamic-client.ts';
import type { DynamicClient } from '../client/dynamic-client.ts';
import { ProtoJsonError } from '../client/proto-json.ts';
import { ReflectionError } from '../client/reflection-client.ts';
import { createDeferred } from '../core/deferred.ts';
import { tidyStatusDetails } from '../core/status-details.ts';
import { parseDuration } from '../load/duration.ts';
import { createLoadProgress } from '../load/load-progress.ts';
import { runLoadSession } from '../load/load-session.ts';
import { renderLoadReport } from '../load/render-load-report.ts';
import { createTelemetryDeps } from '../telemetry/create-telemetry-deps.ts';
import type { CliContext } from './cli-context.ts';
import { knownScenarioLabels } from './scenario-labels.ts';
import { addLogOptions } from './log-options.ts';
import type { LogOptions } from './log-options.ts';
import { integerIn } from './parse-integer.ts';
import { formatHostPort, parseHostPort } from './parse-host-port.ts';
import type { HostPort } from './parse-host-port.ts';

interface LoadOptions extends LogOptions {
  target: HostPort;
  method: string;
  proto?: string[];
  importPath?: string[];
  data: unknown;
  streams: number;
  duration: number;
  rate: number;
  grace: number;
  scenario?: string;
  serverMetrics?: string;
  json: boolean;
  color?: boolean;
}

/** commander parser of a duration flag. */
const duration = (minMs: number) => (value: string): number => {
  try {
    return parseDuration(value, minMs);
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
};

function parseData(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch (error) {
    throw new InvalidArgumentError(`--data is not JSON: ${(error as Error).message}`);
  }
}

function parseRate(value: string): number {
  const parsed = /^\s*(\d+(\.\d*)?|\.\d+)\s*$/.test(value) ? Number(value) : Number.NaN;
  if (!(parsed >= 0 && parsed <= 10_000)) throw new InvalidArgumentError(`expected a number of messages per second from 0 to 10000, got "${value}"`);
  return parsed;
}

function parseScenario(value: string): string {
  if (!/^[\w.:-]{1,64}$/.test(value)) throw new InvalidArgumentError(`expected 1 to 64 letters, digits, '_', '.', ':' or '-', got "${value}"`);
  return value;
}

function parseMetricsUrl(value: string): string {
  try {
    const url = new URL(value);
    if (url.protocol === 'http:' || url.protocol === 'https:') return url.toString();
  } catch { /* reported below */ }
  throw new InvalidArgumentError(`expected an http(s) URL such as http://127.0.0.1:9464/metrics, got "${value}"`);
}

const HELP = `
Keep --streams calls of --method open against --target for --duration, then
report why every stream ended. What a stream does depends on the method's kind:
  unary          each slot calls in a loop
  server_stream  one request (--data), read until the server ends it
  client_stream  send --data at once, then --rate times a second; half-close
                 when the run ends
  bidi_stream    the same, and read
A stream that ends before the run does is replaced at once: the concurrency
holds. At the end, half-closed streams get --grace to end by themselves; the
rest are cancelled (client_cancelled, "ended by the run"). It stops by itself.

The schema comes from --proto (imports resolved in -I dirs) or, without it,
from the server's reflection (v1, else v1alpha). --data is the request in the
proto3 JSON mapping: field names as in the proto (interval_ms) or in JSON
(intervalMs), enums by name or number, 64-bit integers as numbers or strings,
bytes as base64, a Timestamp as RFC 3339 text ("2024-05-01T12:00:00Z"), a
Duration as "1.5s", wrappers as plain values; a field the message does not have
is refused.
Latencies (p50/p95/p99 from HdrHistograms, 3 significant digits): connect =
to the response headers (unary: to the response; a client stream's headers
come with its response), time to first message, inter-arrival of received
messages.
--server-metrics URL scrapes a streamlab server's /metrics before and after:
streamlab_stream_ends_total{side="server"} of the method's service and of
--scenario (or "none"), the server's side of the same streams.
Progress goes to stderr: a bar on a terminal, else a line every 5 s.
Exit 0 with the summary, 1 when no stream could connect, 2 on usage errors;
Ctrl-C cancels every stream and prints what ran (exit 130).

--json prints one document, and no progress:
  { target, method, rpc, schema, scenario|null, streams, duration_ms,
    rate|null, elapsed_ms, interrupted, opened, ended_by_run,
    messages: { sent, received, sent_per_s, received_per_s },
    connect_ms, first_message_ms, inter_arrival_ms:
      null | { count, p50, p95, p99, max, mean }   (ms),
    ends: [ { end_cause, grpc_code, count, ended_by_run } ],
    server_ends: null | { url, scenario, grpc_service, total,
                          ends: [ { end_cause, count } ] } }

Example:
  streamlab load --target 127.0.0.1:50051 \\
    --method streamlab.v1.Ticker/Subscribe \\
    --data '{"topic":"demo","count":5,"interval_ms":100}' \\
    --streams 10 --duration 5s`;

/** Resolves the method, or ends the command with a usage error (exit 2) / an error (exit 1). */
async function openClient(command: Command, deps: ReturnType<typeof createTelemetryDeps>, options: LoadOptions, target: string): Promise<DynamicClient> {
  try {
    return await createDynamicClient(deps, { target, method: options.method, ...(options.proto ? { protoPaths: options.proto } : {}), ...(options.importPath ? { includeDirs: options.importPath } : {}) });
  } catch (error) {
    const message = tidyStatusDetails((error as Error).message.replace(/\s*\n\s*/g, ' '));
    if (error instanceof ReflectionError) throw new Error(`reflection on ${target} failed: ${message}; pass --proto to read the schema from files`);
    if (error instanceof MethodNotFoundError || options.proto) return command.error(`error: ${message}`, { exitCode: 2, code: 'streamlab.unknownMethod' });
    throw error;
  }
}

/** Adds `load` to `program`. */
export function registerLoadCommand(program: Command, context: CliContext): Command {
  const command = program
    .command('load')
    .summary('keep N calls of any method open for a duration and report why they ended')
    .description(HELP.trim())
    .addOption(new Option('--target <host:port>', 'the server to load (the only address dialed)').argParser(parseHostPort).makeOptionMandatory())
    .addOption(new Option('--method <name>', 'package.Service/Method').makeOptionMandatory())
    .addOption(new Option('--proto <path...>', 'proto files declaring the service (default: server reflection)'))
    .addOption(new Option('-I, --import-path <dir...>', 'directories --proto imports are resolved in'))
    .addOption(new Option('--data <json>', 'the request message as JSON, proto field names').argParser(parseData).default({}, '{}'))
    .addOption(new Option('--streams <n>', 'streams kept open at once').argParser(integerIn(1, 10_000)).default(10))
    .addOption(new Option('--duration <duration>', 'how long to keep them open: 500ms, 5s, 1m, ...').argParser(duration(1)).default(60_000, '60s'))
    .addOption(new Option('--rate <n>', 'client/bidi streams: messages per second per stream after the first; 0 = only the first').argParser(parseRate).default(1))
    .addOption(new Option('--grace <duration>', 'after the duration, how long half-closed streams may take to end before they are cancelled').argParser(duration(0)).default(1_000, '1s'))
    .addOption(new Option('--scenario <name>', 'sent as W3C baggage streamlab.scenario: the spans carry it; a streamlab server labels its metrics with it when it knows the name (catalogue or STREAMLAB_SCENARIO_LABELS), else "other"').argParser(parseScenario))
    .addOption(new Option('--server-metrics <url>', "a streamlab server's /metrics: report its side's end causes of the run").argParser(parseMetricsUrl))
    .addOption(new Option('--json', 'print one JSON document instead of the summary (see above)').default(false))
    .addOption(new Option('--no-color', 'no colours in the tables (default: colours on a terminal)'));
  return addLogOptions(command, context, 'warn').action(async (options: LoadOptions) => {
    const target = formatHostPort(options.target);
    // The scenario this run names labels its own client-side series (the server labels it only when it knows it).
    const scenarioLabels = [...knownScenarioLabels(context), ...(options.scenario ? [options.scenario] : [])];
    const deps = createTelemetryDeps({ pipeline: context.spans, scenarioLabels, logger: { format: options.logFormat, level: options.logLevel } });
    const client = await openClient(command, deps, options, target);
    try {
      client.checkRequest(options.data);
    } catch (error) {
      client.close();
      if (!(error instanceof ProtoJsonError)) throw error;
      return command.error(`error: --data: ${error.message}`, { exitCode: 2, code: 'streamlab.badData' });
    }
    const interrupt = new AbortController();
    const printed = createDeferred<void>();
    context.onShutdown(async () => {
      interrupt.abort();
      await printed.promise;
    });
    const progress = options.json ? undefined : createLoadProgress(context.stderr, Boolean(context.stderr.isTTY));
    try {
      const report = await runLoadSession(client, {
        target, streams: options.streams, durationMs: options.duration, request: options.data, rate: options.rate, graceMs: options.grace,
        signal: interrupt.signal, ...(options.scenario ? { scenario: options.scenario } : {}),
        ...(options.serverMetrics ? { serverMetricsUrl: options.serverMetrics } : {}),
        ...(progress ? { onProgress: (state) => progress.update(state) } : {}),
      }).finally(() => progress?.stop());
      const color = options.color !== false && Boolean(context.stdout.isTTY);
      context.stdout.write(options.json ? `${JSON.stringify(report)}\n` : `${renderLoadReport(report, color)}\n`);
      const connected = report.ends.some((row) => row.end_cause !== 'connect_failed');
      context.setExitCode(report.interrupted ? 130 : connected ? 0 : 1);
    } finally {
      client.close();
      printed.resolve();
    }
  });
}
