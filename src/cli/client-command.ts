/**
 * `streamlab client`: the classic demo client. Prints each event (or, in ack mode, each
 * delivery, ACK and redelivery with the final accounting) and the end cause; exits 0 when
 * the call ended the way the mode intends (simple and ack: completed, cancel:
 * client_cancelled), 1 otherwise. With no server (connect_failed) a hint on stderr says
 * what to try (connect-hint.ts).
 */
import { deliveryOf } from '../delivery/delivery-account.ts';
import { InvalidArgumentError, Option } from 'commander';
import type { Command } from 'commander';
import { createStreamlabClient, CLIENT_DEFAULTS } from '../client/streamlab-client.ts';
import type { ClientCallOptions, StreamlabClient } from '../client/streamlab-client.ts';
import { checkDropRate, DELIVERY_CLIENT_DEFAULTS, startDelivery } from '../client/delivery-client.ts';
import { fromTimestamp } from '../core/timestamp.ts';
import { createDeferred } from '../core/deferred.ts';
import { createTelemetryDeps } from '../telemetry/create-telemetry-deps.ts';
import { grpcCodeName } from '../telemetry/grpc-status.ts';
import type { StreamEnd } from '../telemetry/lifecycle-event.ts';
import type { Event__Output } from '../generated/streamlab/v1/Event.ts';
import { EXCHANGE_LIMITS, SUBSCRIBE_LIMITS } from '../server/validate-request.ts';
import type { CliContext } from './cli-context.ts';
import { knownScenarioLabels } from './scenario-labels.ts';
import { addLogOptions } from './log-options.ts';
import type { LogOptions } from './log-options.ts';
import { durationMs, integerIn } from './parse-integer.ts';
import { formatHostPort, parseHostPort } from './parse-host-port.ts';
import type { HostPort } from './parse-host-port.ts';
import { connectHint } from './connect-hint.ts';

type Mode = 'simple' | 'cancel' | 'ack';

interface ClientOptions extends LogOptions {
  target: HostPort;
  mode: Mode;
  afterMessages?: number;
  delay?: number;
  topic: string;
  count?: number;
  intervalMs: number;
  payloadBytes: number;
  dropRate: number;
  seed: number;
  ackTimeoutMs: number;
  keepaliveTimeMs: number;
  keepaliveTimeoutMs: number;
  waitForReady: boolean;
  deadlineMs?: number;
}

const INTENDED: Record<Mode, StreamEnd['endCause']> = { simple: 'completed', cancel: 'client_cancelled', ack: 'completed' };

/** An event's line; its age only when the server stamped it (a foreign server may not). */
function describe(event: Event__Output): string {
  const sentMs = fromTimestamp(event.sentAt);
  const age = sentMs === undefined ? '' : ` age=${(Date.now() - sentMs).toFixed(1)}ms`;
  const text = event.text ? ` text=${JSON.stringify(event.text)}` : '';
  return `event ${event.id} topic=${event.topic} payload=${event.payload.length}B${age}${text}`;
}

/** Parses --drop-rate: a number from 0 to 1. */
function dropRate(value: string): number {
  const parsed = /^\s*(\d+(\.\d*)?|\.\d+)\s*$/.test(value) ? Number(value) : Number.NaN;
  try {
    return checkDropRate(parsed);
  } catch {
    throw new InvalidArgumentError(`expected a number from 0 to 1, got "${value}"`);
  }
}

/** Runs the ack mode: Delivery/Exchange with ACKs, printing each step; resolves with the end. */
function runAck(client: StreamlabClient, options: ClientOptions, out: (line: string) => void, callOptions: ClientCallOptions) {
  return startDelivery(client, {
    count: options.count ?? DELIVERY_CLIENT_DEFAULTS.count, intervalMs: options.intervalMs, payloadBytes: options.payloadBytes,
    dropRate: options.dropRate, seed: options.seed, ackTimeoutMs: options.ackTimeoutMs,
  }, {
    onMessage(message, outcome, ageMs) {
      const age = ageMs === undefined ? '' : ` age=${ageMs.toFixed(1)}ms`;
      const what = { delivered: 'received', duplicate: 'duplicate (already delivered; ACK again)', dropped: 'DROPPED (simulated loss, no ACK)' }[outcome];
      out(`message ${message.id} attempt ${message.attempt}${age}: ${what}`);
    },
    onAck: (id) => out(`  ack ${id}`),
    onSummary: (summary) => out(`server summary: sent ${summary.sent}, acked ${summary.acked}, redelivered ${summary.redelivered}, exhausted ${summary.exhausted}${summary.exhaustedIds.length ? ` [${summary.exhaustedIds.join(', ')}]` : ''}`),
  }, callOptions);
}

/** Adds `client` to `program`. */
export function registerClientCommand(program: Command, context: CliContext): Command {
  const command = program
    .command('client')
    .summary('open one call and print each message and the end cause')
    .description(
      'Open one call and print every message, then why it ended.\n' +
        '  --mode simple  Subscribe and read until the server completes (exit 0 when completed)\n' +
        '  --mode cancel  Subscribe, call cancel() after --after-messages N events or --delay S seconds\n' +
        '                 (exit 0 when the end cause is client_cancelled)\n' +
        '  --mode ack     Delivery/Exchange: acknowledge each message by id; the server redelivers\n' +
        '                 what is not acknowledged within --ack-timeout-ms (at most 3 times).\n' +
        '                 --drop-rate R ignores that share of messages (seeded by --seed) so\n' +
        '                 redeliveries show; prints each message, ACK and the accounting\n' +
        '                 (exit 0 when completed)\n' +
        'Any other end (e.g. connection_reset when a proxy cuts the network) exits 1; with no\n' +
        'server the call ends connect_failed, with the OS error (ECONNREFUSED, ENOTFOUND, ...),\n' +
        'unless --wait-for-ready queues it until a server comes up or --deadline-ms passes.\n' +
        'Ctrl-C cancels the call at once (client_cancelled), even when the server is frozen.\n' +
        '--keepalive-time-ms 0 sends no keepalive PINGs: a frozen server is then never noticed.',
    )
    .addOption(new Option('--target <host:port>', 'server (or fault proxy) to dial').argParser(parseHostPort).makeOptionMandatory())
    .addOption(new Option('--mode <mode>', 'what the client does').choices(['simple', 'cancel', 'ack']).default('simple'))
    .addOption(new Option('--after-messages <n>', 'cancel mode: cancel after N events (default 3)').argParser(integerIn(1, 1_000_000)).conflicts('delay'))
    .addOption(new Option('--delay <s>', 'cancel mode: cancel after S seconds').argParser(integerIn(1, 86_400)))
    .addOption(new Option('--topic <name>', 'topic to subscribe to').default('demo'))
    .addOption(new Option('--count <n>', 'messages to ask for; 0 = until cancelled (default: 10 in simple and ack mode, 0 in cancel mode)').argParser(integerIn(SUBSCRIBE_LIMITS.count.min, SUBSCRIBE_LIMITS.count.max)))
    .addOption(new Option('--interval-ms <ms>', 'pause between messages').argParser(integerIn(SUBSCRIBE_LIMITS.interval_ms.min, SUBSCRIBE_LIMITS.interval_ms.max)).default(1000))
    .addOption(new Option('--payload-bytes <n>', 'payload size of each message').argParser(integerIn(SUBSCRIBE_LIMITS.payload_bytes.min, SUBSCRIBE_LIMITS.payload_bytes.max)).default(16))
    .addOption(new Option('--drop-rate <r>', 'ack mode: share of messages to ignore (no ACK), 0 to 1').argParser(dropRate).default(0))
    .addOption(new Option('--seed <n>', 'ack mode: seed of the simulated drops, so a run is reproducible').argParser(integerIn(0, 2 ** 31 - 1)).default(DELIVERY_CLIENT_DEFAULTS.seed))
    .addOption(new Option('--ack-timeout-ms <ms>', 'ack mode: the server redelivers after this long without ACK; 0 = the server default, 2000').argParser(integerIn(EXCHANGE_LIMITS.ack_timeout_ms.min, EXCHANGE_LIMITS.ack_timeout_ms.max)).default(0))
    .addOption(new Option('--wait-for-ready', 'queue the call until the channel is READY instead of failing fast when no server answers').default(false))
    .addOption(new Option('--deadline-ms <ms>', 'deadline of the call, from its start (default: none)').argParser(durationMs))
    .addOption(new Option('--keepalive-time-ms <ms>', 'client keepalive PING interval; 0 = no PINGs').argParser(integerIn(0, 86_400_000)).default(CLIENT_DEFAULTS.keepaliveTimeMs))
    .addOption(new Option('--keepalive-timeout-ms <ms>', 'drop the connection when a PING is unanswered this long').argParser(durationMs).default(CLIENT_DEFAULTS.keepaliveTimeoutMs));
  return addLogOptions(command, context, 'warn').action(async (options: ClientOptions) => {
    const deps = createTelemetryDeps({ pipeline: context.spans, scenarioLabels: knownScenarioLabels(context), logger: { format: options.logFormat, level: options.logLevel } });
    const client = createStreamlabClient(deps, {
      target: formatHostPort(options.target),
      keepaliveTimeMs: options.keepaliveTimeMs,
      keepaliveTimeoutMs: options.keepaliveTimeoutMs,
    });
    const out = (line: string) => void context.stdout.write(`${line}\n`);
    let observed: { ended: Promise<StreamEnd>; cancel(): void };
    let delayTimer: NodeJS.Timeout | undefined;
    const callOptions: ClientCallOptions = {
      ...(options.waitForReady ? { waitForReady: true } : {}),
      ...(options.deadlineMs !== undefined ? { deadline: new Date(Date.now() + options.deadlineMs) } : {}),
    };
    if (options.mode === 'ack') {
      observed = runAck(client, options, out, callOptions);
    } else {
      const count = options.count ?? (options.mode === 'simple' ? 10 : 0);
      const stream = client.subscribe({ topic: options.topic, count, intervalMs: options.intervalMs, payloadBytes: options.payloadBytes }, callOptions);
      const cancelAfter = options.mode === 'cancel' && options.delay === undefined ? (options.afterMessages ?? 3) : undefined;
      if (options.mode === 'cancel' && options.delay !== undefined) delayTimer = setTimeout(() => stream.cancel(), options.delay * 1000);
      stream.call.on('data', (event: Event__Output) => {
        out(describe(event));
        if (cancelAfter !== undefined && stream.recorder.received === cancelAfter) stream.cancel();
      });
      observed = stream;
    }
    // Ctrl-C: cancel the call (grpc-js ends it locally at once, whatever the server does)
    // and let main.ts exit once the end is printed.
    const printed = createDeferred<void>();
    context.onShutdown(async () => {
      observed.cancel();
      await printed.promise;
    });
    const end = await observed.ended;
    clearTimeout(delayTimer);
    client.close();
    const account = deliveryOf(end);
    if (account) {
      out(`delivery: delivered ${account.sent}, acked ${account.acked}, redeliveries received ${account.redelivered}, duplicates ${account.duplicates}, dropped ${account.dropped}, exhausted ${account.exhausted}, unacked at end ${account.unackedIds.length}${account.unackedIds.length ? ` [${account.unackedIds.join(', ')}]` : ''}`);
    }
    const osError = end.connectError ? ` [${end.connectError}]` : '';
    out(`stream ended: ${end.endCause}${osError} (${grpcCodeName(end.grpcCode)}: ${end.details}) after ${end.received} messages received, ${end.sent} sent; trace ${end.traceId || '-'}`);
    if (end.endCause === 'connect_failed') context.stderr.write(`hint: ${connectHint(options.target, end.connectError)}\n`);
    context.setExitCode(end.endCause === INTENDED[options.mode] ? 0 : 1);
    printed.resolve();
  });
}
