/**
 * `streamlab serve`: the Ticker server with its /metrics endpoint, until SIGTERM/SIGINT.
 */
import { once } from 'node:events';
import { Option } from 'commander';
import type { Command } from 'commander';
import { createServer, SERVER_DEFAULTS } from '../server/create-server.ts';
import type { ServerOptions } from '../server/create-server.ts';
import { createTelemetryDeps } from '../telemetry/create-telemetry-deps.ts';
import { createParentReporter } from '../server-process/report-to-parent.ts';
import { createMetricsHttpServer } from '../telemetry/metrics-http.ts';
import { createLocalTopics, createStreamlabServices } from '../services/streamlab-services.ts';
import type { TickerDeps } from '../services/ticker-service.ts';
import { createTopicLog, DEFAULT_HISTORY_SIZE } from '../services/topic-log.ts';
import { DEFAULT_TICK_MS } from '../services/topic-source.ts';
import { DEFAULT_MAX_QUEUED_BYTES } from '../services/bounded-writes.ts';
import { createParentTopicSource } from '../server-process/parent-topic-source.ts';
import type { ParentLink } from '../server-process/server-process-protocol.ts';
import { createBusTopics } from '../bus/bus-topics.ts';
import type { TelemetryDeps } from '../telemetry/telemetry-deps.ts';
import type { CliContext } from './cli-context.ts';
import { addBusOptions, busTopicsOptions } from './bus-options.ts';
import type { BusOptions } from './bus-options.ts';
import { addLogOptions } from './log-options.ts';
import { knownScenarioLabels } from './scenario-labels.ts';
import type { LogOptions } from './log-options.ts';
import { durationMs, integerIn, port } from './parse-integer.ts';
import { listenAs } from './listen-errors.ts';

interface ServeOptions extends LogOptions, BusOptions {
  host: string;
  port: number;
  metricsPort: number;
  keepaliveTimeMs: number;
  keepaliveTimeoutMs: number;
  shutdownGraceMs: number;
  maxConnectionAgeMs?: number;
  maxConnectionAgeGraceMs?: number;
  topics: 'local' | 'parent';
  tickMs: number;
  history: number;
  messageEvents: number;
  reportEvents: boolean;
  maxQueuedBytes: number;
  maxConcurrentStreams: number;
}

/**
 * The Ticker's topics: numbered here, by the fleet that started this server, or by the bus.
 * @returns them, and what closes them at shutdown
 * @throws Error for --bus with --topics parent; BusUnavailableError when the bus is not reachable
 */
async function topicsOf(options: ServeOptions, parent: ParentLink | undefined, deps: TelemetryDeps): Promise<TickerDeps & { close?(): Promise<void> }> {
  const bus = busTopicsOptions(options, options.tickMs, options.history);
  if (bus) {
    if (options.topics === 'parent') throw new Error('--bus and --topics parent both say who numbers topic events: keep one');
    return createBusTopics(deps, bus);
  }
  if (options.topics === 'local') return createLocalTopics({ tickMs: options.tickMs, historySize: options.history });
  if (!parent) throw new Error('--topics parent needs a parent process: it is set by `streamlab fleet`, which relays the topics');
  let source: ReturnType<typeof createParentTopicSource> | undefined;
  const log = createTopicLog({ historySize: options.history, onFirstListener: (topic) => source?.follow(topic) });
  source = createParentTopicSource(parent, log);
  return { log, source };
}

/**
 * The max connection age of the flags.
 * @throws Error when a grace is given without an age
 */
function maxConnectionAgeOf(options: ServeOptions): Pick<ServerOptions, 'maxConnectionAge'> {
  if (options.maxConnectionAgeMs === undefined) {
    if (options.maxConnectionAgeGraceMs !== undefined) throw new Error('--max-connection-age-grace-ms needs --max-connection-age-ms: the grace starts at the age\'s GOAWAY');
    return {};
  }
  const graceMs = options.maxConnectionAgeGraceMs;
  return { maxConnectionAge: { ageMs: options.maxConnectionAgeMs, ...(graceMs !== undefined ? { graceMs } : {}) } };
}

/** Adds `serve` to `program`. */
export function registerServeCommand(program: Command, context: CliContext): Command {
  const command = program
    .command('serve')
    .summary('run the Ticker gRPC server with /metrics')
    .description(
      'Serve streamlab.v1.Ticker over gRPC (plaintext HTTP/2) and Prometheus metrics over HTTP.\n' +
        'Every stream gets a SERVER span, metrics and logs that say why it ended. SIGTERM or\n' +
        'SIGINT drains: GOAWAY, in-flight streams get the grace period, the rest end with\n' +
        'UNAVAILABLE (end cause server_shutdown), telemetry is flushed, exit code 0.\n' +
        'Started by `streamlab run` for a process scenario, it also reports its port, stream\n' +
        'ends and spans to the runner over IPC.\n' +
        'With --bus nats://HOST:PORT, NATS JetStream numbers topic events: servers on any host that\n' +
        'share the bus hold the same ids, and a follower resumes on any of them (docs/fleet-bus.md).\n' +
        'An unreachable bus is retried with backoff for --bus-connect-timeout-ms, then exit 1.',
    )
    .addOption(new Option('--host <address>', 'address to listen on').default('0.0.0.0'))
    .addOption(new Option('--port <port>', 'gRPC port (0 picks a free one)').argParser(port).default(50051))
    .addOption(new Option('--metrics-port <port>', 'port of /metrics and /healthz').argParser(port).default(9464))
    .addOption(new Option('--keepalive-time-ms <ms>', 'server keepalive PING interval').argParser(durationMs).default(SERVER_DEFAULTS.keepaliveTimeMs))
    .addOption(new Option('--keepalive-timeout-ms <ms>', 'drop the connection when a PING is unanswered this long').argParser(durationMs).default(SERVER_DEFAULTS.keepaliveTimeoutMs))
    .addOption(new Option('--shutdown-grace-ms <ms>', 'on SIGTERM, how long streams may go on after GOAWAY').argParser(integerIn(0, 3_600_000)).default(SERVER_DEFAULTS.shutdownGraceMs))
    .addOption(new Option('--max-connection-age-ms <ms>', 'GOAWAY a connection this old (±10 % jitter), so its client reconnects and re-resolves (gRFC A9, as grpc.max_connection_age_ms; default unlimited)').argParser(integerIn(1, 2_147_483_647)))
    .addOption(new Option('--max-connection-age-grace-ms <ms>', 'after that GOAWAY, cut calls still open this long (as grpc.max_connection_age_grace_ms, ending them UNAVAILABLE / server_shutdown; default unlimited)').argParser(integerIn(0, 2_147_483_647)))
    .addOption(new Option('--topics <source>', 'who numbers topic events without --bus: local (this server) or parent (the `streamlab fleet` that started it)').choices(['local', 'parent']).default('local'))
    .addOption(new Option('--tick-ms <ms>', 'with --topics local or --bus: a tick on each followed topic every this many ms (0: none)').argParser(integerIn(0, 3_600_000)).default(DEFAULT_TICK_MS))
    .addOption(new Option('--message-events <n>', 'message events kept on each RPC span (exact counts are attributes either way); an open span keeps them in memory').argParser(integerIn(0, 10_000)).default(100))
    .addOption(new Option('--no-report-events', 'with a parent process: forward stream ends only, not every lifecycle event (the servers of a fleet on the bus)').hideHelp())
    .addOption(new Option('--history <events>', 'events kept per topic for subscribers that resume').argParser(integerIn(1, 1_000_000)).default(DEFAULT_HISTORY_SIZE))
    .addOption(new Option('--max-queued-bytes <bytes>', 'bytes of fanned-out events (Notify texts, live follow events) a Subscribe stream may have queued for a reader that does not keep up; past it the stream ends RESOURCE_EXHAUSTED (env STREAMLAB_MAX_QUEUED_BYTES)')
      .argParser(integerIn(1, 2 ** 31 - 1)).default(context.serveDefaults?.maxQueuedBytes ?? DEFAULT_MAX_QUEUED_BYTES))
    .addOption(new Option('--max-concurrent-streams <n>', 'streams a client may open at once on one connection, advertised in HTTP/2 SETTINGS (env STREAMLAB_MAX_CONCURRENT_STREAMS)')
      .argParser(integerIn(1, 2 ** 31 - 1)).default(context.serveDefaults?.maxConcurrentStreams ?? SERVER_DEFAULTS.maxConcurrentStreams));
  addBusOptions(command, context);
  return addLogOptions(command, context, 'info').action(async (options: ServeOptions) => {
    let maxConnectionAge: Pick<ServerOptions, 'maxConnectionAge'>;
    try {
      maxConnectionAge = maxConnectionAgeOf(options);
    } catch (error) {
      return command.error(`error: ${(error as Error).message}`, { exitCode: 2, code: 'streamlab.badOption' });
    }
    let openCalls = (): number => 0;
    const reporter = context.parent
      ? createParentReporter({
        link: context.parent, flushSpans: () => context.spans.forceFlush(),
        activeStreams: () => openCalls(), events: options.topics !== 'parent' && options.reportEvents,
      })
      : undefined;
    if (context.parent) {
      const link = context.parent;
      context.spans.forwardSpans((spans) => link.send({ type: 'spans', spans }));
    }
    const deps = createTelemetryDeps({
      logger: { format: options.logFormat, level: options.logLevel }, messageEventCap: options.messageEvents,
      pipeline: context.spans, scenarioLabels: knownScenarioLabels(context), ...(reporter ? { runs: reporter.runs } : {}),
    });
    const topics = await topicsOf(options, context.parent, deps);
    const server = createServer(deps, {
      keepaliveTimeMs: options.keepaliveTimeMs,
      keepaliveTimeoutMs: options.keepaliveTimeoutMs,
      shutdownGraceMs: options.shutdownGraceMs,
      ...maxConnectionAge,
      services: createStreamlabServices(deps, topics, { maxQueuedBytes: options.maxQueuedBytes }),
      maxConcurrentStreams: options.maxConcurrentStreams,
    });
    openCalls = () => server.activeStreams;
    const metricsHttp = createMetricsHttpServer(deps.metrics.registry);
    const bound = await listenAs(command, 'grpc', { host: options.host, port: options.port }, () => server.listen({ host: options.host, port: options.port }));
    await listenAs(command, 'metrics', { host: options.host, port: options.metricsPort }, async () => {
      metricsHttp.listen(options.metricsPort, options.host);
      await once(metricsHttp, 'listening');
    });
    const metricsPort = (metricsHttp.address() as { port: number }).port;
    deps.logger.info('serving', { grpc: `${bound.host}:${bound.port}`, metrics: `http://${options.host}:${metricsPort}/metrics` });
    context.stderr.write(`streamlab serving gRPC on ${bound.host}:${bound.port}, metrics on :${metricsPort}/metrics\n`);
    await reporter?.listening({ host: bound.host, port: bound.port, metricsPort });
    const stopped = new Promise<void>((resolve) => {
      context.onShutdown(async () => {
        deps.logger.info('shutting down', { active_streams: server.activeStreams, grace_ms: options.shutdownGraceMs });
        await server.shutdown();
        await topics.close?.();
        metricsHttp.close();
        metricsHttp.closeAllConnections();
        deps.logger.info('shut down');
        // The last scrape the runner can have of this process (the drain's ends included).
        if (reporter) void reporter.metrics(await deps.metrics.registry.getMetricsAsJSON());
        // The stream ends of the drain (and the metrics) must reach the runner before main.ts exits.
        await reporter?.drain();
        resolve();
      });
    });
    await stopped;
  });
}
