/**
 * The parent's side of `streamlab lab-subscribers` (src/cli/lab-subscribers-command.ts): starts
 * the child with GRPC_NODE_USE_ALTERNATIVE_RESOLVER=true (so grpc-js asks the DNS server named
 * in the target), under the lab's root span, with its stream ends going to the run's observer
 * and its spans to the run's pipeline; stopped by the lab frame before the ends are read.
 */
import { propagation } from '@opentelemetry/api';
import { startServerProcess } from '../../server-process/server-process.ts';
import type { SubscriberView } from '../../fleet/subscriber.ts';
import { LAB_START_TIMEOUT_MS, LAB_TOPIC } from './lab-fleet.ts';
import type { LabContext } from './lab-run.ts';

/** Options of {@link startLabSubscribers}. */
export interface LabSubscriberOptions {
  target: string;
  count: number;
  /** Warm the channel until this many backends answered before the first subscribe. */
  warm: number;
  /** grpc.dns_min_time_between_resolutions_ms (grpc-js default 30,000; scaled down here). */
  dnsMinResolutionMs: number;
}

/** The child's subscribers. */
export interface LabSubscribers {
  /** Every subscriber's view, in start order; [] when the child did not answer within 2 s. */
  views(): Promise<SubscriberView[]>;
  /** Starts `count` more on the same channel. */
  subscribe(count: number): Promise<void>;
}

/**
 * Starts the child and resolves once its first subscribers are started.
 * @throws Error naming the command and its stderr when it does not start
 */
export async function startLabSubscribers(lab: LabContext, options: LabSubscriberOptions): Promise<LabSubscribers> {
  const carrier: Record<string, string> = {};
  propagation.inject(lab.runContext, carrier);
  const child = await startServerProcess({ observer: lab.deps.run.observer, importSpans: lab.deps.importSpans }, {
    keepaliveTimeMs: 0, keepaliveTimeoutMs: 0, startTimeoutMs: LAB_START_TIMEOUT_MS,
    command: [
      'lab-subscribers', '--target', options.target, '--count', String(options.count), '--scenario', lab.scenario.name, '--topic', LAB_TOPIC,
      '--warm', String(options.warm), '--dns-min-resolution-ms', String(options.dnsMinResolutionMs),
      ...(carrier.traceparent ? ['--traceparent', carrier.traceparent] : []),
      // The run's baggage (scenario and run id): the servers report these calls to the run.
      ...(carrier.baggage ? ['--baggage', carrier.baggage] : []),
    ],
    env: { GRPC_NODE_USE_ALTERNATIVE_RESOLVER: 'true', OTEL_SERVICE_NAME: 'streamlab-lab-subscribers' },
  });
  lab.deferStop(async () => {
    await child.stop();
  });
  return {
    // The child answers with its subscribers' views (src/cli/lab-subscribers-command.ts).
    views: async () => ((await child.request({ type: 'views' }, 2_000))?.views ?? []) as SubscriberView[],
    subscribe: async (count) => void (await child.request({ type: 'subscribe', count }, 2_000)),
  };
}
