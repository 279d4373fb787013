/**
 * `streamlab serve`: the Ticker server with its /metrics endpoint, until SIGTERM/SIGINT.
 */
import { once } from 'node:events';
import { Option } from 'commander';
import type { Command } from 'commander';
import { createServer, SERVER_DEFAULTS } from '../server/create-server.ts';
import { createTelemetryDeps } from '../telemetry/create-telemetry-deps.ts';
import { createCauseClock } from '../telemetry/cause-clock.ts';
import { createParentReporter } from '../faults/report-to-parent.ts';
import { createMetricsHttpServer } from '../telemetry/metrics-http.ts';
import type { CliContext } from './cli-context.ts';
import { addLogOptions } from './log-options.ts';
import type { LogOptions } from './log-options.ts';
import { durationMs, integerIn, port } from './parse-integer.ts';

interface ServeOptions extends LogOptions {
  host: string;
  port: number;
  metricsPort: number;
  keepaliveTimeMs: number;
  keepaliveTimeoutMs: number;
  shutdownGraceMs: number;
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
        'ends and spans to the runner over IPC.',
    )
    .addOption(new Option('--host <address>', 'address to listen on').default('0.0.0.0'))
    .addOption(new Option('--port <port>', 'gRPC port (0 picks a free one)').argParser(port).default(50051))
    .addOption(new Option('--metrics-port <port>', 'port of /metrics and /healthz').argParser(port).default(9464))
    .addOption(new Option('--keepalive-time-ms <ms>', 'server keepalive PING interval').argParser(durationMs).default(SERVER_DEFAULTS.keepaliveTimeMs))
    .addOption(new Option('--keepalive-timeout-ms <ms>', 'drop the connection when a PING is unanswered this long').argParser(durationMs).default(SERVER_DEFAULTS.keepaliveTimeoutMs))
    .addOption(new Option('--shutdown-grace-ms <ms>', 'on SIGTERM, how long streams may go on after GOAWAY').argParser(integerIn(0, 3_600_000)).default(SERVER_DEFAULTS.shutdownGraceMs));
  return addLogOptions(command, context, 'info').action(async (options: ServeOptions) => {
    const causeClock = createCauseClock();
    const reporter = context.parent
      ? createParentReporter({ link: context.parent, causeClock, flushSpans: () => context.spans.forceFlush() })
      : undefined;
    if (context.parent) {
      const link = context.parent;
      context.spans.forwardSpans((spans) => link.send({ type: 'spans', spans }));
    }
    const deps = createTelemetryDeps({
      logger: { format: options.logFormat, level: options.logLevel }, causeClock, ...(reporter ? { observer: reporter.observer } : {}),
    });
    const server = createServer(deps, {
      keepaliveTimeMs: options.keepaliveTimeMs,
      keepaliveTimeoutMs: options.keepaliveTimeoutMs,
      shutdownGraceMs: options.shutdownGraceMs,
    });
    const metricsHttp = createMetricsHttpServer(deps.metrics.registry);
    const bound = await server.listen({ host: options.host, port: options.port });
    metricsHttp.listen(options.metricsPort, options.host);
    await once(metricsHttp, 'listening');
    const metricsPort = (metricsHttp.address() as { port: number }).port;
    deps.logger.info('serving', { grpc: `${bound.host}:${bound.port}`, metrics: `http://${options.host}:${metricsPort}/metrics` });
    context.stderr.write(`streamlab serving gRPC on ${bound.host}:${bound.port}, metrics on :${metricsPort}/metrics\n`);
    await reporter?.listening({ host: bound.host, port: bound.port, metricsPort });
    const stopped = new Promise<void>((resolve) => {
      context.onShutdown(async () => {
        deps.logger.info('shutting down', { active_streams: server.activeStreams, grace_ms: options.shutdownGraceMs });
        await server.shutdown();
        metricsHttp.close();
        metricsHttp.closeAllConnections();
        deps.logger.info('shut down');
        // The stream ends of the drain must reach the runner before main.ts exits.
        await reporter?.drain();
        resolve();
      });
    });
    await stopped;
  });
}
