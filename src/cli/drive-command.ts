/**
 * `streamlab drive`: runs the scenario catalogue in a loop against a remote server, every
 * `--every-s` seconds, cutting the network through Toxiproxy (`--toxiproxy-url`) or the
 * embedded fault proxy, and serves its own /metrics. The driver of the compose stack.
 */
import { once } from 'node:events';
import { setTimeout as delay } from 'node:timers/promises';
import { InvalidArgumentError, Option } from 'commander';
import type { Command } from 'commander';
import { CATALOGUE, CORE_SCENARIOS, selectScenarios } from '../scenarios/catalogue.ts';
import type { Scenario } from '../scenarios/catalogue.ts';
import { createEmbeddedFaultBackend } from '../scenarios/fault-backend.ts';
import type { FaultBackend } from '../scenarios/fault-backend.ts';
import { createRunDirectory } from '../scenarios/run-directory.ts';
import { knownScenarioLabels } from './scenario-labels.ts';
import { createScenarioRunner, RUN_DEFAULTS } from '../scenarios/runner.ts';
import { createToxiproxyBackend } from '../scenarios/toxiproxy-backend.ts';
import { createTelemetryDeps } from '../telemetry/create-telemetry-deps.ts';
import { createMetricsHttpServer } from '../telemetry/metrics-http.ts';
import type { CliContext } from './cli-context.ts';
import { addLogOptions } from './log-options.ts';
import type { LogOptions } from './log-options.ts';
import { formatHostPort, parseHostPort } from './parse-host-port.ts';
import type { HostPort } from './parse-host-port.ts';
import { durationMs, integerIn, port } from './parse-integer.ts';
import { listenAs } from './listen-errors.ts';

/**
 * Parses --scenarios: `all` (the catalogue), `core`, or a comma-separated list of names.
 * @throws Error naming the unknown scenario
 */
function parseScenarios(value: string): Scenario[] {
  if (value === 'all') return [...CATALOGUE];
  if (value === 'core') return [...CORE_SCENARIOS];
  return selectScenarios(value.split(',').map((name) => name.trim()).filter(Boolean));
}

/**
 * The driver's default round: the catalogue but the Kubernetes labs, which build a world of
 * their own (several server processes, subscribers, a DNS server) for a dozen seconds each,
 * and the bus scenarios, which start a NATS bus (a 3-node cluster for one) per run and take
 * 5 to 15 s each; name them (or `all`) to drive them too.
 */
const DRIVEN = CATALOGUE.filter((scenario) => scenario.server?.kind !== 'lab' && scenario.server?.kind !== 'bus');

interface DriveOptions extends LogOptions {
  upstream: HostPort;
  target?: HostPort;
  toxiproxyUrl?: string;
  scenarios: Scenario[];
  everyS: number;
  runs: number;
  host: string;
  metricsPort: number;
  intervalMs: number;
  keepaliveTimeMs: number;
  keepaliveTimeoutMs: number;
}

function parseUrl(value: string): string {
  try {
    return new URL(value).toString().replace(/\/$/, '');
  } catch {
    throw new Error(`expected a URL such as http://toxiproxy:8474, got "${value}"`);
  }
}

function faultBackend(options: DriveOptions): FaultBackend {
  if (!options.toxiproxyUrl) return createEmbeddedFaultBackend();
  if (!options.target) throw new Error('--toxiproxy-url needs --target: the Toxiproxy listener clients dial, e.g. toxiproxy:50052');
  return createToxiproxyBackend({ apiUrl: options.toxiproxyUrl, listen: `0.0.0.0:${options.target.port}`, target: formatHostPort(options.target) });
}

/** Adds `drive` to `program`. */
export function registerDriveCommand(program: Command, context: CliContext): Command {
  const command = program
    .command('drive')
    .summary('run the scenarios in a loop against a remote server (the compose driver)')
    .description(
      'Run the scenario catalogue (--scenarios) every --every-s seconds, each as one trace:\n' +
        'the network scenarios against --upstream, cutting the network through Toxiproxy\n' +
        '(--toxiproxy-url, with --target the address of its listener) or, without it, through an\n' +
        'embedded fault proxy; the process scenarios (server-kill, server-stop, ...) against a\n' +
        '`streamlab serve` child the driver spawns itself, since it cannot kill --upstream.\n' +
        'Client-side telemetry and streamlab_scenario_runs_total{scenario,verdict} are served on\n' +
        '--metrics-port, with the children\'s stream ends; their spans are exported with ours.\n' +
        'The upstream server is another process, so verdicts of network scenarios judge the\n' +
        'client side; that server\'s end causes are in its own spans and metrics.',
    )
    .addOption(new Option('--upstream <host:port>', 'the streamlab server').argParser(parseHostPort).makeOptionMandatory())
    .addOption(new Option('--target <host:port>', 'with --toxiproxy-url: where clients dial Toxiproxy').argParser(parseHostPort))
    .addOption(new Option('--toxiproxy-url <url>', 'Toxiproxy HTTP API; without it the embedded fault proxy is used').argParser(parseUrl))
    .addOption(new Option('--scenarios <list>', 'all, core, or names separated by commas (default: all but the Kubernetes labs and the bus scenarios)').argParser((value: string) => {
      try {
        return parseScenarios(value);
      } catch (error) {
        throw new InvalidArgumentError((error as Error).message);
      }
    }).default(DRIVEN, `all but ${CATALOGUE.filter((scenario) => !DRIVEN.includes(scenario)).map((scenario) => scenario.name).join(', ')}`))
    .addOption(new Option('--every-s <s>', 'seconds from the start of one round to the next').argParser(integerIn(1, 86_400)).default(20))
    .addOption(new Option('--runs <n>', 'rounds to run, 0 = until SIGTERM').argParser(integerIn(0, 1_000_000)).default(0))
    .addOption(new Option('--host <address>', 'address of /metrics and /healthz').default('0.0.0.0'))
    .addOption(new Option('--metrics-port <port>', 'port of /metrics and /healthz').argParser(port).default(9465))
    .addOption(new Option('--interval-ms <ms>', 'pause between events').argParser(integerIn(0, 60_000)).default(RUN_DEFAULTS.intervalMs))
    .addOption(new Option('--keepalive-time-ms <ms>', 'client keepalive PING interval').argParser(durationMs).default(RUN_DEFAULTS.keepaliveTimeMs))
    .addOption(new Option('--keepalive-timeout-ms <ms>', 'client keepalive PING timeout').argParser(durationMs).default(RUN_DEFAULTS.keepaliveTimeoutMs));
  return addLogOptions(command, context, 'info').action(async (options: DriveOptions) => {
    let faults: FaultBackend;
    try {
      faults = faultBackend(options);
    } catch (error) {
      return command.error(`error: ${(error as Error).message}`, { exitCode: 2 });
    }
    const runs = createRunDirectory();
    const deps = createTelemetryDeps({
      runs, pipeline: context.spans, scenarioLabels: knownScenarioLabels(context), logger: { format: options.logFormat, level: options.logLevel },
    });
    const runner = createScenarioRunner({
      telemetry: deps, runs, faults, upstream: options.upstream, importSpans: (spans) => context.spans.importSpans(spans),
    }, {
      observeServer: false, intervalMs: options.intervalMs,
      keepaliveTimeMs: options.keepaliveTimeMs, keepaliveTimeoutMs: options.keepaliveTimeoutMs,
    });
    const metricsHttp = createMetricsHttpServer(deps.metrics.registry);
    await listenAs(command, 'metrics', { host: options.host, port: options.metricsPort }, async () => {
      metricsHttp.listen(options.metricsPort, options.host);
      await once(metricsHttp, 'listening');
    });
    const metricsPort = (metricsHttp.address() as { port: number }).port;
    context.stderr.write(`streamlab driving ${formatHostPort(options.upstream)} through ${faults.name} faults every ${options.everyS} s; metrics on :${metricsPort}/metrics\n`);
    const stop = new AbortController();
    context.onShutdown(async () => {
      stop.abort();
      await finished;
    });
    const finished = (async () => {
      for (let round = 1; !stop.signal.aborted && (options.runs === 0 || round <= options.runs); round++) {
        const startedAt = performance.now();
        for (const scenario of options.scenarios) {
          if (stop.signal.aborted) break;
          try {
            const result = await runner.run(scenario);
            deps.logger.info('scenario run', {
              round, scenario: scenario.name, verdict: result.ok ? 'ok' : 'mismatch', trace_id: result.traceId,
              client_end_cause: result.client?.endCause, server_end_cause: result.server?.endCause, mismatches: result.mismatches,
            });
          } catch (error) {
            deps.logger.error('scenario failed to run', { round, scenario: scenario.name, error: (error as Error).message });
          }
        }
        const waitMs = options.everyS * 1000 - (performance.now() - startedAt);
        if (waitMs > 0 && (options.runs === 0 || round < options.runs)) await delay(waitMs, undefined, { signal: stop.signal }).catch(() => {});
      }
    })();
    await finished;
    metricsHttp.close();
    metricsHttp.closeAllConnections();
  });
}
