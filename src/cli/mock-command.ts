/**
 * `streamlab mock`: serve any proto from JSONL scripts, every stream observed with its end
 * cause on both sides, scripts that can end a stream at the transport (issue 9).
 */
import { once } from 'node:events';
import { Option } from 'commander';
import type { Command } from 'commander';
import { createMockServer } from '../mock/mock-server.ts';
import { MOCK_LIMIT_DEFAULTS } from '../mock/mock-runtime.ts';
import { ScriptError } from '../mock/script-error.ts';
import { SERVER_DEFAULTS } from '../server/create-server.ts';
import { createTelemetryDeps } from '../telemetry/create-telemetry-deps.ts';
import { createMetricsHttpServer } from '../telemetry/metrics-http.ts';
import type { CliContext } from './cli-context.ts';
import { knownScenarioLabels } from './scenario-labels.ts';
import { addLogOptions } from './log-options.ts';
import type { LogOptions } from './log-options.ts';
import { durationMs, integerIn, port } from './parse-integer.ts';
import { listenAs } from './listen-errors.ts';

interface MockCommandOptions extends LogOptions {
  proto: string[];
  include: string[];
  scripts: string;
  host: string;
  port: number;
  metricsPort: number;
  seed?: number;
  streamTimeoutMs: number;
  maxMessages: number;
  latencyMinMs: number;
  latencyMaxMs: number;
  maxStateBytes: number;
  maxMessageBytes: number;
  keepaliveTimeMs: number;
  keepaliveTimeoutMs: number;
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** Adds `mock` to `program`. */
export function registerMockCommand(program: Command, context: CliContext): Command {
  const env = context.mockDefaults ?? {};
  const command = program
    .command('mock')
    .summary('serve any proto from JSONL scripts, with scripted transport faults')
    .description(
      'Serve every service of the given protos (loaded at run time, no code generation). Each\n' +
        'method answers from its script DIR/<package.Service>/<Method>.jsonl; a method without one\n' +
        'answers UNIMPLEMENTED naming the file. One JSON object per line (blank and // lines\n' +
        'ignored): {"dir":"out","ts":100,"text":{...}} sends a message;\n' +
        '{"dir":"in","text":{...}|"regex","response":{...}} answers a client message; "condition", state keys, "close",\n' +
        '"error"+"code" and "fault": reset|close|blackhole|goaway. Templates: {{uuid}}, {{now}},\n' +
        '{{randInt 1 10}}, {{request.field}}, {{request.ws.message.field}},\n' +
        '{{request.ws.state.key + 1}}. A message may also be a JSON string with templates\n' +
        'inside ("text":"{\\"topic\\":\\"{{request.topics[0]}}\\"}"). Messages follow the proto3 JSON\n' +
        'mapping: a Timestamp as RFC 3339 text ({{now}}), a Duration as "1.5s", 64-bit integers as\n' +
        'strings or numbers. See docs/mock.md for the whole format.\n' +
        'Reflection, health and channelz are on: `grpcurl -plaintext HOST:PORT list` works.\n' +
        'Limits default to the STREAMLAB_MOCK_* variables when set; docs/security.md lists every bound.',
    )
    .addOption(new Option('--proto <path>', '.proto file to serve (repeat for several)').argParser(collect).makeOptionMandatory())
    .addOption(new Option('-I, --include <dir>', 'import path for the protos (repeat)').argParser(collect).default([]))
    .addOption(new Option('--scripts <dir>', 'directory of the scripts').makeOptionMandatory())
    .addOption(new Option('--host <address>', 'address to listen on').default('0.0.0.0'))
    .addOption(new Option('--port <port>', 'gRPC port (0 picks a free one)').argParser(port).default(50051))
    .addOption(new Option('--metrics-port <port>', 'port of /metrics and /healthz').argParser(port).default(9464))
    .addOption(new Option('--seed <n>', 'seed of the random helpers and latency, for reproducible runs').argParser(integerIn(0, 2 ** 31 - 1)))
    .addOption(new Option('--stream-timeout-ms <ms>', 'end a stream open longer than this with DEADLINE_EXCEEDED (0: never)').argParser(integerIn(0, 86_400_000)).default(env.streamTimeoutMs ?? MOCK_LIMIT_DEFAULTS.streamTimeoutMs))
    .addOption(new Option('--max-messages <n>', 'messages the server sends per stream; one more ends it with RESOURCE_EXHAUSTED').argParser(integerIn(1, 100_000_000)).default(env.maxMessages ?? MOCK_LIMIT_DEFAULTS.maxMessages))
    .addOption(new Option('--latency-min-ms <ms>', 'least latency added to each message the server sends').argParser(integerIn(0, 600_000)).default(env.latencyMinMs ?? MOCK_LIMIT_DEFAULTS.latencyMinMs))
    .addOption(new Option('--latency-max-ms <ms>', 'most latency added to each message the server sends').argParser(integerIn(0, 600_000)).default(env.latencyMaxMs ?? MOCK_LIMIT_DEFAULTS.latencyMaxMs))
    .addOption(new Option('--max-state-bytes <bytes>', "a stream's state as JSON after a line's updates; more ends it with RESOURCE_EXHAUSTED").argParser(integerIn(1, 2 ** 30)).default(env.maxStateBytes ?? MOCK_LIMIT_DEFAULTS.maxStateBytes))
    .addOption(new Option('--max-message-bytes <bytes>', 'a rendered message as JSON; more ends its stream with RESOURCE_EXHAUSTED').argParser(integerIn(1, 2 ** 30)).default(env.maxMessageBytes ?? MOCK_LIMIT_DEFAULTS.maxMessageBytes))
    .addOption(new Option('--keepalive-time-ms <ms>', 'server keepalive PING interval').argParser(durationMs).default(SERVER_DEFAULTS.keepaliveTimeMs))
    .addOption(new Option('--keepalive-timeout-ms <ms>', 'drop the connection when a PING is unanswered this long').argParser(durationMs).default(SERVER_DEFAULTS.keepaliveTimeoutMs));
  return addLogOptions(command, context, 'info').action(async (options: MockCommandOptions) => {
    const seed = options.seed ?? env.seed;
    if (options.latencyMinMs > options.latencyMaxMs) {
      return command.error(`error: --latency-min-ms ${options.latencyMinMs} is more than --latency-max-ms ${options.latencyMaxMs}`, { exitCode: 2, code: 'streamlab.badOption' });
    }
    const deps = createTelemetryDeps({ pipeline: context.spans, scenarioLabels: knownScenarioLabels(context), logger: { format: options.logFormat, level: options.logLevel } });
    let mock;
    try {
      mock = createMockServer(deps, {
        protos: options.proto, includeDirs: options.include, scriptsDir: options.scripts, ...(seed !== undefined ? { seed } : {}),
        limits: { streamTimeoutMs: options.streamTimeoutMs, maxMessages: options.maxMessages, latencyMinMs: options.latencyMinMs, latencyMaxMs: options.latencyMaxMs,
          maxStateBytes: options.maxStateBytes, maxMessageBytes: options.maxMessageBytes },
        keepaliveTimeMs: options.keepaliveTimeMs, keepaliveTimeoutMs: options.keepaliveTimeoutMs,
      });
    } catch (error) {
      // A script or proto that does not load: one line naming the file (and line:column), exit 2.
      const message = error instanceof ScriptError ? error.message : `cannot load the protos: ${(error as Error).message.split('\n')[0]}`;
      return command.error(`error: ${message}`, { exitCode: 2, code: 'streamlab.badScript' });
    }
    const bound = await listenAs(command, 'grpc', { host: options.host, port: options.port }, () => mock.listen({ host: options.host, port: options.port }));
    const metricsHttp = createMetricsHttpServer(deps.metrics.registry);
    await listenAs(command, 'metrics', { host: options.host, port: options.metricsPort }, async () => {
      metricsHttp.listen(options.metricsPort, options.host);
      await once(metricsHttp, 'listening');
    });
    const metricsPort = (metricsHttp.address() as { port: number }).port;
    context.stderr.write(`streamlab mock serving ${mock.services.join(', ')} on ${bound.host}:${bound.port}, metrics on :${metricsPort}/metrics\n`);
    await new Promise<void>((resolve) => {
      context.onShutdown(async () => {
        await mock.close();
        metricsHttp.close();
        metricsHttp.closeAllConnections();
        resolve();
      });
    });
  });
}
