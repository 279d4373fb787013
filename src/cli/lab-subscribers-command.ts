/**
 * `streamlab lab-subscribers` (hidden): the subscribers of a Kubernetes lab, in a process of
 * their own, started by the lab (src/scenarios/k8s/lab-subscriber-process.ts) and reporting to it
 * over IPC. They are a separate process because their channel resolves a `dns://SERVER/NAME`
 * target, and grpc-js honours a DNS server in the target only with
 * GRPC_NODE_USE_ALTERNATIVE_RESOLVER=true, read once when grpc-js loads — a setting that
 * would also stop `localhost` from resolving for every other command (c-ares reads no
 * /etc/hosts). The lab sets it for this child only.
 */
import { context, propagation, ROOT_CONTEXT } from '@opentelemetry/api';
import { Command, Option } from 'commander';
import { createStreamlabClient } from '../client/streamlab-client.ts';
import { createParentReporter } from '../server-process/report-to-parent.ts';
import { createBackoff } from '../core/backoff.ts';
import { createSubscriber } from '../fleet/subscriber.ts';
import type { Subscriber } from '../fleet/subscriber.ts';
import { warmChannel } from '../fleet/warm-up.ts';
import { knownScenarioLabels } from './scenario-labels.ts';
import { createTelemetryDeps } from '../telemetry/create-telemetry-deps.ts';
import type { CliContext } from './cli-context.ts';
import { durationMs, integerIn } from './parse-integer.ts';

interface LabSubscribersOptions {
  target: string;
  count: number;
  scenario: string;
  topic: string;
  warm: number;
  keepaliveTimeMs: number;
  dnsMinResolutionMs: number;
  backoffMs: number;
  traceparent?: string;
  baggage?: string;
}

/** Adds the hidden `lab-subscribers` to `program`. */
export function registerLabSubscribersCommand(program: Command, context_: CliContext): Command {
  const command = new Command('lab-subscribers')
    .description('(internal) the subscribers of a Kubernetes lab, reporting to the lab over IPC')
    .addOption(new Option('--target <target>', 'grpc-js target, e.g. dns://127.0.0.1:5353/NAME:PORT').makeOptionMandatory())
    .addOption(new Option('--count <n>', 'subscribers to start').argParser(integerIn(0, 1_000)).default(6))
    .addOption(new Option('--scenario <name>', 'scenario name in baggage').default('none'))
    .addOption(new Option('--topic <name>', 'topic to follow').default('k8s'))
    .addOption(new Option('--warm <n>', 'health-check through the channel until this many backends answered, first').argParser(integerIn(0, 64)).default(0))
    .addOption(new Option('--keepalive-time-ms <ms>', 'client keepalive (0: none)').argParser(integerIn(0, 86_400_000)).default(0))
    .addOption(new Option('--dns-min-resolution-ms <ms>', 'grpc.dns_min_time_between_resolutions_ms').argParser(durationMs).default(30_000))
    .addOption(new Option('--backoff-ms <ms>', 'initial re-subscribe backoff').argParser(durationMs).default(200))
    .addOption(new Option('--traceparent <value>', 'W3C traceparent of the lab\'s root span'))
    .addOption(new Option('--baggage <value>', 'W3C baggage of the lab\'s run (its scenario and run id)'));
  program.addCommand(command, { hidden: true });
  return command.action(async (options: LabSubscribersOptions) => {
    const link = context_.parent;
    if (!link) return command.error('error: lab-subscribers is started by a Kubernetes lab (streamlab run), which it reports to', { exitCode: 2 });
    const reporter = createParentReporter({ link, flushSpans: () => context_.spans.forceFlush(), events: false });
    context_.spans.forwardSpans((spans) => link.send({ type: 'spans', spans }));
    const deps = createTelemetryDeps({
      logger: { format: 'json', level: 'warn' }, messageEventCap: 10, observer: reporter.observer, pipeline: context_.spans, scenarioLabels: knownScenarioLabels(context_),
    });
    const client = createStreamlabClient(deps, {
      target: options.target, loadBalancing: 'round_robin', keepaliveTimeMs: options.keepaliveTimeMs, dnsMinTimeBetweenResolutionsMs: options.dnsMinResolutionMs,
    });
    const carrier = { ...(options.traceparent ? { traceparent: options.traceparent } : {}), ...(options.baggage ? { baggage: options.baggage } : {}) };
    const parent = propagation.extract(ROOT_CONTEXT, carrier);
    const subscribers: Subscriber[] = [];
    const start = (count: number) => context.with(parent, () => {
      for (let index = 0; index < count; index++) {
        const subscriber = createSubscriber({
          client, metrics: deps.metrics.fleet, scenario: options.scenario,
          backoff: createBackoff({ initialMs: options.backoffMs, multiplier: 1.6, jitter: 0.2, maxMs: 10 * options.backoffMs }),
        }, `s-${subscribers.length + 1}`, options.topic);
        subscribers.push(subscriber);
        subscriber.start();
      }
    });
    link.onMessage((message) => {
      if (message.type === 'subscribe') {
        start(message.count);
        void link.send({ type: 'ack', id: message.id });
      } else if (message.type === 'views') {
        void link.send({ type: 'ack', id: message.id, views: subscribers.map((s) => s.view()) });
      }
    });
    if (options.warm > 0) await warmChannel(client.channel, options.warm);
    start(options.count);
    await reporter.listening({ host: options.target, port: 0, metricsPort: 0 });
    await new Promise<void>((resolve) => {
      context_.onShutdown(async () => {
        await Promise.all(subscribers.map((s) => s.stop()));
        client.close();
        await reporter.drain();
        resolve();
      });
    });
  });
}
