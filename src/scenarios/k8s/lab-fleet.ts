/**
 * The fleet pieces a Kubernetes lab is built from (src/fleet/): `streamlab serve` children
 * fed by a topic relay (the pods of a Deployment), and long-lived subscribers (re-subscribe
 * with backoff, resume after the last event id) on a channel of the lab's choosing. Everything
 * built here is torn down by the lab frame (lab-run.ts); every call carries the scenario.
 */
import { createStreamlabClient } from '../../client/streamlab-client.ts';
import type { StreamlabClient, StreamlabClientOptions } from '../../client/streamlab-client.ts';
import { createBackoff } from '../../core/backoff.ts';
import { createFleetServers } from '../../fleet/fleet-servers.ts';
import type { FleetServers, FleetServersOptions, FleetServerView } from '../../fleet/fleet-servers.ts';
import { createSubscriber } from '../../fleet/subscriber.ts';
import type { Subscriber } from '../../fleet/subscriber.ts';
import { createTopicRelay } from '../../fleet/topic-relay.ts';
import type { TopicRelay } from '../../fleet/topic-relay.ts';
import type { LabContext } from './lab-run.ts';

/** The labs' re-subscribe backoff: gRPC's shape, scaled down so a lab takes seconds. */
export const LAB_BACKOFF = { initialMs: 200, multiplier: 1.6, jitter: 0.2, maxMs: 2_000 } as const;

/** How long a lab waits for a child process to start, ms: several start at once, on a busy machine too. */
export const LAB_START_TIMEOUT_MS = 60_000;

/** The topic every lab's subscribers follow. */
export const LAB_TOPIC = 'k8s';

/** A lab's servers and relay. */
export interface LabServers {
  relay: TopicRelay;
  servers: FleetServers;
  /** The servers started so far, by start order (srv-1 first). */
  started: FleetServerView[];
  /** Starts one more server in the next free slot. */
  start(): Promise<FleetServerView>;
  /** The server id listening on `port`, or `?`. */
  idOf(port: number): string;
}

/**
 * Starts `count` servers (in `slots` slots, port 0) and a relay ticking every `tickMs` (0: no
 * ticks; events come from `relay.publish`).
 * @throws Error when a server fails to start
 */
export async function startLabServers(lab: LabContext, count: number, options: FleetServersOptions & { tickMs: number }): Promise<LabServers> {
  const relay = createTopicRelay({ tickMs: options.tickMs });
  lab.defer(() => relay.close());
  const servers = createFleetServers({ relay, importSpans: lab.deps.importSpans, observer: lab.deps.run.observer }, { basePort: 0, keepaliveTimeMs: 1_000, keepaliveTimeoutMs: 1_000, startTimeoutMs: LAB_START_TIMEOUT_MS, ...options });
  lab.defer(() => servers.close());
  const started: FleetServerView[] = [];
  const start = async () => {
    const view = await servers.start();
    started.push(view);
    return view;
  };
  // Together, as a Deployment's pods start; listed by start number (srv-1 first).
  await Promise.all(Array.from({ length: count }, () => start()));
  started.sort((a, b) => Number(a.id.slice(4)) - Number(b.id.slice(4)));
  return {
    relay, servers, started, start,
    idOf: (port) => started.find((view) => view.address.endsWith(`:${port}`))?.id ?? '?',
  };
}

/** A lab's channel (closed by the frame). */
export function labClient(lab: LabContext, options: StreamlabClientOptions): StreamlabClient {
  const client = createStreamlabClient(lab.deps.telemetry, options);
  lab.defer(() => client.close());
  return client;
}

/** Starts `count` subscribers on `client` (stopped by the frame before the ends are read). */
export function labSubscribers(lab: LabContext, client: StreamlabClient, count: number, prefix: string): Subscriber[] {
  const subscribers = Array.from({ length: count }, (_, index) => createSubscriber({
    client, metrics: lab.deps.telemetry.metrics.fleet, backoff: createBackoff(LAB_BACKOFF), scenario: lab.scenario.name,
  }, `${prefix}-${index + 1}`, LAB_TOPIC));
  for (const subscriber of subscribers) subscriber.start();
  lab.deferStop(() => Promise.all(subscribers.map((subscriber) => subscriber.stop())).then(() => {}));
  return subscribers;
}

/**
 * Waits until every one of `subscribers` streams and has an event past `afterId`, polling every
 * 50 ms, at most `boundMs`.
 * @returns false when the bound passed first
 */
export async function allStreaming(subscribers: readonly Subscriber[], afterId: number, boundMs: number): Promise<boolean> {
  const end = Date.now() + boundMs;
  const done = () => subscribers.every((s) => s.view().state === 'streaming' && s.view().last_event_id > afterId);
  while (!done()) {
    if (Date.now() > end) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return true;
}

/** `{id: count}` as text, ids in order: `srv-1 3, srv-2 3, srv-3 3`. */
export function spreadText(counts: ReadonlyMap<string, number>, ids: readonly string[]): string {
  return ids.map((id) => `${id} ${counts.get(id) ?? 0}`).join(', ');
}

/** Subscribers streaming now, per server id (from their backend's port). */
export function spreadOf(subscribers: readonly Subscriber[], world: LabServers): Map<string, number> {
  const counts = new Map<string, number>();
  for (const view of subscribers.map((s) => s.view())) {
    if (view.state !== 'streaming' || !view.backend) continue;
    const id = world.idOf(Number(view.backend.split(':').at(-1)));
    counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return counts;
}
