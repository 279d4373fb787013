/**
 * `streamlab run [scenario ...]`: runs scenarios against an embedded server through the
 * embedded fault proxy and prints the side-by-side comparison (or `--json`); `--html FILE`
 * also writes the self-contained HTML report (src/report/html).
 */
import { statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Argument, InvalidArgumentError, Option } from 'commander';
import type { Command } from 'commander';
import { createServer } from '../server/create-server.ts';
import { createStreamlabServices } from '../services/streamlab-services.ts';
import { CATALOGUE, CORE_SCENARIOS, expandMatrix, parseRpcKinds, selectScenarios, withCount } from '../scenarios/catalogue.ts';
import type { RpcKind } from '../core/method-info.ts';
import type { Scenario } from '../scenarios/catalogue.ts';
import { createEmbeddedFaultBackend } from '../scenarios/fault-backend.ts';
import { renderReport, toJsonReport } from '../scenarios/report.ts';
import { createRunDirectory } from '../scenarios/run-directory.ts';
import { knownScenarioLabels } from './scenario-labels.ts';
import { createScenarioRunner, RUN_DEFAULTS } from '../scenarios/runner.ts';
import type { ScenarioResult } from '../scenarios/scenario.ts';
import { createTelemetryDeps } from '../telemetry/create-telemetry-deps.ts';
import { SUBSCRIBE_LIMITS } from '../server/validate-request.ts';
import type { CliContext } from './cli-context.ts';
import { addLogOptions } from './log-options.ts';
import type { LogOptions } from './log-options.ts';
import { durationMs, integerIn } from './parse-integer.ts';
import { formatBytes, writeHtmlReport } from '../report/html/write-report.ts';

interface RunCommandOptions extends LogOptions {
  json: boolean;
  all: boolean;
  count?: number;
  frozenWaitMs: number;
  rpc?: RpcKind[];
  color?: boolean;
  intervalMs: number;
  payloadBytes: number;
  keepaliveTimeMs: number;
  keepaliveTimeoutMs: number;
  endTimeoutMs: number;
  html?: string;
  jaegerUrl?: string;
  scenario?: string[];
}

const width = Math.max(...CATALOGUE.map((s) => s.name.length));
const scenarioList = CATALOGUE.map((s) => `  ${s.name.padEnd(width)}  ${s.rpc.padEnd(13)}  ${s.summary}${CORE_SCENARIOS.includes(s) ? ' (core)' : ''}`).join('\n');

/** commander parser of --rpc. */
function rpcOption(value: string): RpcKind[] {
  try {
    return parseRpcKinds(value);
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
}

/** commander parser of --jaeger-url: an http(s) URL, kept as given. */
function jaegerUrlOption(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidArgumentError(`"${value}" is not a URL (e.g. http://localhost:16686)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new InvalidArgumentError(`"${value}" is not an http(s) URL`);
  return value;
}

/**
 * Checks that the report can go to `file` (its folder exists and it is not a folder), so a
 * typo fails before the run rather than after it.
 * @throws Error naming the problem
 */
function checkReportPath(file: string): void {
  const folder = dirname(resolve(file));
  if (!statSync(folder, { throwIfNoEntry: false })?.isDirectory()) throw new Error(`--html ${file}: no such folder ${folder}`);
  if (statSync(file, { throwIfNoEntry: false })?.isDirectory()) throw new Error(`--html ${file} is a folder: give a file name`);
}

/** Adds `run` to `program`. */
export function registerRunCommand(program: Command, context: CliContext): Command {
  const command = program
    .command('run')
    .summary('run scenarios and compare how each side saw the stream end')
    .description(
      'Run scenarios (default: the core ones; --all: the whole catalogue) against an embedded\n' +
        'server, each client dialing through a fresh fault proxy — or, for the process scenarios,\n' +
        'against a fresh `streamlab serve` child the runner kills, stops or freezes, or against\n' +
        'nothing at all. Each run is one trace (root span "scenario <name>").\n' +
        'Prints a side-by-side table and a timeline per scenario; exit 1 when any scenario\n' +
        'ended differently from its expectation.\n' +
        '--html FILE also writes one self-contained HTML report (works offline): the table, a\n' +
        'sequence diagram of both sides per scenario, its lesson and trace id (a Jaeger link with\n' +
        '--jaeger-url); stdout (table or --json) is unchanged.\n' +
        'With --rpc KIND|all the transport scenarios (completion, cancel, disconnect, blackhole)\n' +
        'run over that RPC kind, or over all four (a matrix: unary Notify, client-stream Publish,\n' +
        'server-stream Subscribe, bidi Exchange).\n' +
        '--interval-ms 2000 --count 3 is the pace of the seed experiment, the small gRPC streaming\n' +
        'experiment streamlab grew from (3 responses, 2 s apart).\n' +
        '`streamlab scenarios` lists what each scenario expects and why.\n\nScenarios (name, rpc, what happens):\n' + scenarioList,
    )
    .addArgument(new Argument('[scenario...]', 'scenarios to run, in order (default: the core ones)'))
    .addOption(new Option('--all', 'run the whole catalogue (see `streamlab scenarios`)').default(false))
    // `run --scenario NAME` as other tools spell it: the same as naming it (repeat for several).
    .addOption(new Option('--scenario <name>', 'a scenario to run, as if named (repeat)').argParser((value: string, previous: string[] = []) => [...previous, value]).hideHelp())
    .addOption(new Option('--json', 'print one JSON document instead of the table').default(false))
    .addOption(new Option('--html <file>', 'also write a self-contained HTML report (diagrams, lessons) to this file'))
    .addOption(new Option('--jaeger-url <url>', 'with --html: link each trace id to this Jaeger UI (URL/trace/ID)').argParser(jaegerUrlOption))
    .addOption(new Option('--rpc <kind>', 'run the transport scenarios over this RPC kind: unary, client_stream, server_stream, bidi_stream or all').argParser(rpcOption))
    .addOption(new Option('--no-color', 'no colours in the table (default: colours on a terminal)'))
    .addOption(new Option('--interval-ms <ms>', 'pause between events; 1000 = the classic one a second').argParser(integerIn(SUBSCRIBE_LIMITS.interval_ms.min, SUBSCRIBE_LIMITS.interval_ms.max)).default(RUN_DEFAULTS.intervalMs))
    .addOption(new Option('--count <n>', 'messages of every finite stream (scenarios whose stream never ends keep it so)').argParser(integerIn(1, SUBSCRIBE_LIMITS.count.max)))
    .addOption(new Option('--frozen-wait-ms <ms>', 'how long a client that cannot notice a frozen server (no keepalive) is watched before the runner cancels it').argParser(durationMs).default(RUN_DEFAULTS.frozenWaitMs))
    .addOption(new Option('--payload-bytes <n>', 'payload size of each event').argParser(integerIn(SUBSCRIBE_LIMITS.payload_bytes.min, SUBSCRIBE_LIMITS.payload_bytes.max)).default(RUN_DEFAULTS.payloadBytes))
    .addOption(new Option('--keepalive-time-ms <ms>', 'keepalive PING interval of server and clients').argParser(durationMs).default(RUN_DEFAULTS.keepaliveTimeMs))
    .addOption(new Option('--keepalive-timeout-ms <ms>', 'keepalive PING timeout of server and clients').argParser(durationMs).default(RUN_DEFAULTS.keepaliveTimeoutMs))
    .addOption(new Option('--end-timeout-ms <ms>', 'give up waiting for a side to notice the end').argParser(durationMs).default(RUN_DEFAULTS.endTimeoutMs));
  return addLogOptions(command, context, 'error').action(async (named: string[], options: RunCommandOptions) => {
    const names = [...named, ...options.scenario ?? []];
    let scenarios: Scenario[];
    try {
      if (options.all && names.length > 0) throw new Error(`--all runs the whole catalogue: drop the names (${names.join(', ')}) or --all`);
      if (options.jaegerUrl !== undefined && options.html === undefined) throw new Error('--jaeger-url links the HTML report: add --html FILE');
      if (options.html !== undefined) checkReportPath(options.html);
      const selected = options.all ? [...CATALOGUE] : selectScenarios(names);
      const counted = options.count === undefined ? selected : selected.map((scenario) => withCount(scenario, options.count as number));
      scenarios = options.rpc ? expandMatrix(counted, options.rpc) : counted;
    } catch (error) {
      return command.error(`error: ${(error as Error).message}`, { exitCode: 2, code: 'streamlab.unknownScenario' });
    }
    const runs = createRunDirectory();
    const deps = createTelemetryDeps({
      runs, pipeline: context.spans, scenarioLabels: knownScenarioLabels(context), logger: { format: options.logFormat, level: options.logLevel },
    });
    const server = createServer(deps, { services: createStreamlabServices(deps), keepaliveTimeMs: options.keepaliveTimeMs, keepaliveTimeoutMs: options.keepaliveTimeoutMs, shutdownGraceMs: 0 });
    const upstream = await server.listen({ host: '127.0.0.1', port: 0 });
    context.onShutdown(async () => {
      // main.ts exits right after: child server processes are killed on exit (src/server-process/server-process.ts).
      context.setExitCode(130);
      context.stderr.write('interrupted: stopping\n');
      await server.shutdown(0);
    });
    const runner = createScenarioRunner({
      telemetry: deps, runs, faults: createEmbeddedFaultBackend(), upstream, importSpans: (spans) => context.spans.importSpans(spans),
    }, {
      intervalMs: options.intervalMs,
      payloadBytes: options.payloadBytes,
      keepaliveTimeMs: options.keepaliveTimeMs,
      keepaliveTimeoutMs: options.keepaliveTimeoutMs,
      endTimeoutMs: options.endTimeoutMs,
      frozenWaitMs: options.frozenWaitMs,
    });
    const results: ScenarioResult[] = [];
    const tty = Boolean(context.stderr.isTTY);
    try {
      for (const [index, scenario] of scenarios.entries()) {
        const prefix = `[${index + 1}/${scenarios.length}] ${scenario.name}${options.rpc ? ` (${scenario.rpc})` : ''}`;
        context.stderr.write(`${prefix}: running…${tty ? '\r' : '\n'}`);
        const started = performance.now();
        const result = await runner.run(scenario);
        results.push(result);
        const seconds = ((performance.now() - started) / 1000).toFixed(1);
        const why = result.ok ? '' : `: ${result.mismatches.join('; ')}`;
        context.stderr.write(`${tty ? '\u001b[2K' : ''}${prefix}: ${result.ok ? 'ok' : 'MISMATCH'} in ${seconds} s${why}\n`);
      }
    } finally {
      await server.shutdown(0);
    }
    const color = options.color !== false && Boolean(context.stdout.isTTY);
    context.stdout.write(options.json ? `${JSON.stringify(toJsonReport(results))}\n` : `${renderReport(results, color)}\n`);
    if (options.html !== undefined) {
      const written = await writeHtmlReport(options.html, results, {
        matrix: options.rpc !== undefined, ...(options.jaegerUrl ? { jaegerUrl: options.jaegerUrl } : {}),
      });
      context.stderr.write(`HTML report: ${written.path} (${formatBytes(written.bytes)})\n`);
    }
    context.setExitCode(results.every((result) => result.ok) ? 0 : 1);
  });
}
