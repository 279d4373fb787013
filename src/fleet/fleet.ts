/**
 * The long-lived fleet (issue 8): servers as child processes in fixed slots, the topic
 * relay between them, and long-lived subscribers sharing one round-robin channel over
 * every slot. The control API (src/fleet-api/fleet-api.ts) drives it; `streamlab fleet`
 * builds it. Across machines (issue 18): with `bus` the servers take their topics from
 * NATS JetStream instead of the relay; with `backends` the fleet starts no server and its
 * subscribers dial servers it did not start (docs/fleet-bus.md).
 */
import { createStreamlabClient } from '../client/streamlab-client.ts';
import { END_CAUSES } from '../core/end-cause.ts';
import type { TelemetryDeps } from '../telemetry/telemetry-deps.ts';
import type { SpanRecord } from '../telemetry/span-record.ts';
import { createBackoff } from '../core/backoff.ts';
import type { BackoffOptions } from '../core/backoff.ts';
import { createFanoutTracker } from './fanout-tracker.ts';
import { FleetError } from './fleet-error.ts';
import { createFleetServers } from './fleet-servers.ts';
import type { FleetServersOptions } from './fleet-servers.ts';
import { createSubscriber } from './subscriber.ts';
import type { Subscriber, SubscriberView } from './subscriber.ts';
import { createTopicRelay } from './topic-relay.ts';
import { warmChannel } from './warm-up.ts';
import { createExternalServers } from './external-servers.ts';
import type { BackendsTarget } from './backends-target.ts';
import { createBusTopicObserver } from '../bus/bus-topic-observer.ts';

/** What the fleet needs from the process. */
export interface FleetDeps {
  /** The fleet process's telemetry (its subscribers' CLIENT spans and metrics). */
  telemetry: TelemetryDeps;
  /** Receives the servers' spans (the process's span pipeline). */
  importSpans(spans: readonly SpanRecord[]): void;
  /** Uniform in [0, 1), for the backoff jitter. Default Math.random. */
  random?: () => number;
}

/** Fleet options; every field has a default. */
export interface FleetOptions extends FleetServersOptions {
  /** Servers started at once. Default 3 (the seed project runs three). */
  servers?: number;
  /** Subscribers started at once, on `topic`. Default 10. */
  clients?: number;
  /** Topic of the first subscribers. Default `fleet`. */
  topic?: string;
  /** Pause between two ticks of each followed topic, ms. Default 1,000 (the seed pushes every second). */
  tickMs?: number;
  /** The subscribers' re-subscribe backoff. Default gRPC's (src/core/backoff.ts). */
  backoff?: BackoffOptions;
  /** Client keepalive PING interval and timeout of the subscribers' channel, ms. Defaults 30,000 and 10,000. */
  clientKeepaliveTimeMs?: number;
  clientKeepaliveTimeoutMs?: number;
  /** Servers this fleet did not start (`--backends`): it starts none, and its subscribers dial this target. */
  backends?: BackendsTarget;
}

/** Most subscribers one request may start. */
export const MAX_CLIENTS_PER_REQUEST = 10_000;

/**
 * Starts the servers, warms the channel and starts the first subscribers.
 * @throws Error when a server process fails to start (the others are stopped first)
 */
export async function createFleet(deps: FleetDeps, options: FleetOptions = {}) {
  const serverCount = options.servers ?? 3;
  // Every end_cause series exists from the start at 0, so the first burst of reconnects is a
  // rise Prometheus's rate() can see (a series born at 10 reads as no increase).
  for (const cause of END_CAUSES) deps.telemetry.metrics.fleet.reconnects.inc({ labels: { end_cause: cause }, value: 0 });
  const subscribers = new Map<string, Subscriber>();
  let nextSubscriber = 1;
  const streamingOn = (topic: string): number => [...subscribers.values()].filter((s) => s.topic === topic && s.view().state === 'streaming').length;
  const fanout = createFanoutTracker(deps.telemetry.metrics.fleet, streamingOn);
  const relay = createTopicRelay({
    ...(options.tickMs !== undefined ? { tickMs: options.tickMs } : {}),
    ...(options.historySize !== undefined ? { historySize: options.historySize } : {}),
    onEvent: (topic, event) => fanout.published(topic, event),
  });
  const external = options.backends ? createExternalServers(options.backends) : undefined;
  // On the bus the relay stays idle: the bus numbers events, and the fleet watches its numbering.
  const observer = options.bus ? await createBusTopicObserver(deps.telemetry, options.bus, (topic, event) => fanout.published(topic, event)) : undefined;
  const servers = createFleetServers({ relay, importSpans: deps.importSpans }, { ...options, slots: external ? 0 : options.slots ?? serverCount + 2 });
  try {
    if (!external) await Promise.all(Array.from({ length: serverCount }, () => servers.start()));
  } catch (error) {
    await servers.close();
    relay.close();
    await observer?.close();
    throw error;
  }
  const client = createStreamlabClient(deps.telemetry, {
    target: external ? external.target : `ipv4:${(await servers.addresses()).join(',')}`,
    loadBalancing: 'round_robin',
    ...(options.clientKeepaliveTimeMs !== undefined ? { keepaliveTimeMs: options.clientKeepaliveTimeMs } : {}),
    ...(options.clientKeepaliveTimeoutMs !== undefined ? { keepaliveTimeoutMs: options.clientKeepaliveTimeoutMs } : {}),
  });
  const warmed = await warmChannel(client.channel, external ? Math.max(1, (await external.list()).length) : serverCount);

  function addSubscribers(count: number, topic: string): SubscriberView[] {
    if (!Number.isInteger(count) || count < 1 || count > MAX_CLIENTS_PER_REQUEST) {
      throw new FleetError('conflict', `count=${count} is out of range: allowed 1 to ${MAX_CLIENTS_PER_REQUEST}`);
    }
    const started: Subscriber[] = [];
    for (let index = 0; index < count; index++) {
      const id = `s-${nextSubscriber++}`;
      const subscriber = createSubscriber({
        client, metrics: deps.telemetry.metrics.fleet, backoff: createBackoff(options.backoff, deps.random),
        onEvent: (event) => !event.replayed && event.text !== '' && fanout.received(event.topic, event.id),
      }, id, topic);
      subscribers.set(id, subscriber);
      subscriber.start();
      started.push(subscriber);
    }
    void observer?.watch(topic);
    return started.map((subscriber) => subscriber.view());
  }

  const findSubscriber = (id: string): Subscriber => {
    const subscriber = subscribers.get(id);
    if (!subscriber) throw new FleetError('not_found', `no client with id "${id}": ids look like s-1; GET /api/clients lists them`);
    return subscriber;
  };

  // `fleet --clients 0`: servers and the API only; subscribers come later through the API.
  if ((options.clients ?? 10) > 0) addSubscribers(options.clients ?? 10, options.topic ?? 'fleet');

  if (observer) await observer.watch(options.topic ?? 'fleet');
  return {
    servers,
    relay,
    /** The servers it did not start (`--backends`), or undefined. */
    external,
    /** The fleet's watch on the bus (`--bus`), or undefined. */
    observer,
    /** The last event id of `topic`: the relay's, or the last the fleet saw numbered on the bus. */
    lastEventId: async (topic: string): Promise<number> => (observer ? observer.lastId(topic) : relay.lastId(topic)),
    /** Backends that answered the warm-up, `host:port`. */
    warmed,
    /** Starts `count` subscribers on `topic`. @throws FleetError conflict when count is out of 1…10,000 */
    addSubscribers,
    /** Every subscriber's view, in start order. */
    listSubscribers: (): SubscriberView[] => [...subscribers.values()].map((s) => s.view()),
    /** One subscriber. @throws FleetError not_found */
    subscriber: (id: string): Subscriber => findSubscriber(id),
    /**
     * Stops subscriber `id` (`all`: every one): cancels its stream, no re-subscribe, removed from the list.
     * @returns the views as they were when stopped
     * @throws FleetError not_found
     */
    async stopSubscribers(id: string): Promise<SubscriberView[]> {
      const chosen = id === 'all' ? [...subscribers.values()] : [findSubscriber(id)];
      await Promise.all(chosen.map((s) => s.stop()));
      for (const s of chosen) subscribers.delete(s.id);
      return chosen.map((s) => s.view());
    },
    /**
     * Notify through the channel (round robin picks the server; the relay reaches every server).
     * @returns how many subscribers received it, on every server
     * @throws FleetError unavailable when the Notify failed (its status in the message)
     */
    async notify(topic: string, text: string): Promise<{ delivered: number }> {
      const call = client.notify({ topic, text });
      const [reply, end] = await Promise.all([call.response, call.ended]);
      if (!reply) throw new FleetError('unavailable', `Notify failed: ${end.endCause} (${end.details})`);
      return { delivered: reply.delivered };
    },
    /** The last complete fan-out of `topic`, seconds (fleet subscribers only). */
    lastFanoutSeconds: (topic: string) => fanout.lastSeconds(topic),
    /** Stops every subscriber, closes the channel, stops every server. */
    async close(): Promise<void> {
      await Promise.all([...subscribers.values()].map((s) => s.stop()));
      client.close();
      await servers.close();
      relay.close();
      await observer?.close();
    },
  };
}

/** The fleet built by {@link createFleet}. */
export type Fleet = Awaited<ReturnType<typeof createFleet>>;
