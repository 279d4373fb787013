/**
 * `streamlab client`: the classic demo client. Prints each event and the end cause; exits 0
 * when the stream ended the way the mode intends (simple: completed, cancel: client_cancelled).
 */
import { Option } from 'commander';
import type { Command } from 'commander';
import { createTickerClient, CLIENT_DEFAULTS } from '../client/ticker-client.ts';
import { createTelemetryDeps } from '../telemetry/create-telemetry-deps.ts';
import { grpcCodeName } from '../telemetry/grpc-status.ts';
import type { Event__Output } from '../generated/streamlab/v1/Event.ts';
import { SUBSCRIBE_LIMITS } from '../server/validate-request.ts';
import type { CliContext } from './cli-context.ts';
import { addLogOptions } from './log-options.ts';
import type { LogOptions } from './log-options.ts';
import { durationMs, integerIn } from './parse-integer.ts';
import { formatHostPort, parseHostPort } from './parse-host-port.ts';
import type { HostPort } from './parse-host-port.ts';

interface ClientOptions extends LogOptions {
  target: HostPort;
  mode: 'simple' | 'cancel';
  afterMessages?: number;
  delay?: number;
  topic: string;
  count?: number;
  intervalMs: number;
  payloadBytes: number;
  keepaliveTimeMs: number;
  keepaliveTimeoutMs: number;
}

const INTENDED = { simple: 'completed', cancel: 'client_cancelled' } as const;

function describe(event: Event__Output): string {
  const sentMs = (event.sentAt?.seconds ?? 0) * 1000 + (event.sentAt?.nanos ?? 0) / 1e6;
  return `event ${event.id} topic=${event.topic} payload=${event.payload.length}B age=${(Date.now() - sentMs).toFixed(1)}ms`;
}

/** Adds `client` to `program`. */
export function registerClientCommand(program: Command, context: CliContext): Command {
  const command = program
    .command('client')
    .summary('subscribe to a Ticker and print each event and the end cause')
    .description(
      'Open one Subscribe stream and print every event, then why the stream ended.\n' +
        '  --mode simple  read until the server completes (exit 0 when the end cause is completed)\n' +
        '  --mode cancel  call cancel() after --after-messages N events or --delay S seconds\n' +
        '                 (exit 0 when the end cause is client_cancelled)\n' +
        'Any other end (e.g. connection_reset when a proxy cuts the network) exits 1.',
    )
    .addOption(new Option('--target <host:port>', 'server (or fault proxy) to dial').argParser(parseHostPort).makeOptionMandatory())
    .addOption(new Option('--mode <mode>', 'what the client does').choices(['simple', 'cancel']).default('simple'))
    .addOption(new Option('--after-messages <n>', 'cancel mode: cancel after N events (default 3)').argParser(integerIn(1, 1_000_000)).conflicts('delay'))
    .addOption(new Option('--delay <s>', 'cancel mode: cancel after S seconds').argParser(integerIn(1, 86_400)))
    .addOption(new Option('--topic <name>', 'topic to subscribe to').default('demo'))
    .addOption(new Option('--count <n>', 'events to ask for; 0 = until cancelled (default: 10 in simple mode, 0 in cancel mode)').argParser(integerIn(SUBSCRIBE_LIMITS.count.min, SUBSCRIBE_LIMITS.count.max)))
    .addOption(new Option('--interval-ms <ms>', 'pause between events').argParser(integerIn(SUBSCRIBE_LIMITS.interval_ms.min, SUBSCRIBE_LIMITS.interval_ms.max)).default(1000))
    .addOption(new Option('--payload-bytes <n>', 'payload size of each event').argParser(integerIn(SUBSCRIBE_LIMITS.payload_bytes.min, SUBSCRIBE_LIMITS.payload_bytes.max)).default(16))
    .addOption(new Option('--keepalive-time-ms <ms>', 'client keepalive PING interval').argParser(durationMs).default(CLIENT_DEFAULTS.keepaliveTimeMs))
    .addOption(new Option('--keepalive-timeout-ms <ms>', 'drop the connection when a PING is unanswered this long').argParser(durationMs).default(CLIENT_DEFAULTS.keepaliveTimeoutMs));
  return addLogOptions(command, context, 'warn').action(async (options: ClientOptions) => {
    const deps = createTelemetryDeps({ logger: { format: options.logFormat, level: options.logLevel } });
    const client = createTickerClient(deps, {
      target: formatHostPort(options.target),
      keepaliveTimeMs: options.keepaliveTimeMs,
      keepaliveTimeoutMs: options.keepaliveTimeoutMs,
    });
    const count = options.count ?? (options.mode === 'simple' ? 10 : 0);
    const stream = client.subscribe({ topic: options.topic, count, intervalMs: options.intervalMs, payloadBytes: options.payloadBytes });
    const cancelAfter = options.mode === 'cancel' && options.delay === undefined ? (options.afterMessages ?? 3) : undefined;
    const delayTimer = options.mode === 'cancel' && options.delay !== undefined
      ? setTimeout(() => stream.cancel(), options.delay * 1000)
      : undefined;
    context.onShutdown(async () => {
      stream.cancel();
      await stream.ended;
    });
    stream.call.on('data', (event: Event__Output) => {
      context.stdout.write(`${describe(event)}\n`);
      if (cancelAfter !== undefined && event.id === cancelAfter) stream.cancel();
    });
    const end = await stream.ended;
    clearTimeout(delayTimer);
    client.close();
    context.stdout.write(
      `stream ended: ${end.endCause} (${grpcCodeName(end.grpcCode)}: ${end.details}) after ${end.messages} events; trace ${end.traceId || '-'}\n`,
    );
    context.setExitCode(end.endCause === INTENDED[options.mode] ? 0 : 1);
  });
}
