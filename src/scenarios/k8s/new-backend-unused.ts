/**
 * Lab `new-backend-unused`: a headless Service and round_robin, with a real DNS server. Six
 * subscribers spread over three pods; a fourth pod becomes ready and the DNS answer gains its
 * address — but a grpc-js channel resolves once and asks again only when it loses a
 * connection, so neither the six nor three subscribers started afterwards go to it. Then pod
 * srv-1 is deleted (out of the answer, SIGTERM: GOAWAY): the channel re-resolves at once,
 * srv-1's subscribers re-subscribe, and only now does srv-4 get streams.
 */
import { setTimeout as delay } from 'node:timers/promises';
import type { SubscriberView } from '../../fleet/subscriber.ts';
import { nowMs } from '../../core/clock.ts';
import type { ScenarioLab } from '../scenario.ts';
import { HEADLESS_NAME, startHeadlessWorld } from './headless-world.ts';
import type { HeadlessWorld } from './headless-world.ts';
import { startLabSubscribers } from './lab-subscriber-process.ts';
import type { LabSubscribers } from './lab-subscriber-process.ts';
import { spreadText } from './lab-fleet.ts';
import { runLab } from './lab-run.ts';

/** grpc.dns_min_time_between_resolutions_ms: grpc-js's 30 s, scaled down, ms. */
export const DNS_MIN_RESOLUTION_MS = 1_000;

/** Polls the child's views until `done(views)`, every 100 ms, at most `boundMs`. */
export async function viewsWhen(subscribers: LabSubscribers, done: (views: SubscriberView[]) => boolean, boundMs: number): Promise<SubscriberView[] | undefined> {
  const end = nowMs() + boundMs;
  for (;;) {
    const views = await subscribers.views();
    if (done(views)) return views;
    if (nowMs() > end) return undefined;
    await delay(100);
  }
}

/** Streams per pod id. */
export function podSpread(views: readonly SubscriberView[], world: HeadlessWorld): string {
  const counts = new Map<string, number>();
  for (const view of views) if (view.state === 'streaming') counts.set(world.idOf(view.backend), (counts.get(world.idOf(view.backend)) ?? 0) + 1);
  return spreadText(counts, world.pods.map((pod) => pod.id));
}

/** The A queries the DNS server answered since `sinceMs`, as `+T ms (N addresses)`. */
export function aQueriesSince(world: HeadlessWorld, sinceMs: number, zeroMs: number): string[] {
  return world.dns.queries().filter((query) => query.type === 'A' && query.name === HEADLESS_NAME && query.atMs >= sinceMs)
    .map((query) => `+${Math.round(query.atMs - zeroMs)} ms (${query.answered.length} addresses)`);
}

const streamingCount = (count: number) => (views: SubscriberView[]) => views.length === count && views.every((view) => view.state === 'streaming');

export const NEW_BACKEND_UNUSED_LAB: ScenarioLab = {
  cause: 'a 4th pod joins the headless Service\'s DNS answer; later pod srv-1 is deleted (SIGTERM)',
  lane: 'network (cluster DNS)',
  run: (deps, scenario) => runLab(deps, scenario, async (lab) => {
    const world = await startHeadlessWorld(lab, 100, { keepaliveTimeMs: 600_000, shutdownGraceMs: 0 });
    const [srv1, srv2, srv3, srv4] = await world.startPods(4);
    world.answer([srv1!, srv2!, srv3!]);
    lab.begin();
    const zeroMs = nowMs();
    const subscribers = await startLabSubscribers(lab, { target: world.target, count: 6, warm: 3, dnsMinResolutionMs: DNS_MIN_RESOLUTION_MS });
    const before = await viewsWhen(subscribers, streamingCount(6), 10_000);
    if (!before) return void lab.mismatch('the 6 subscribers did not all stream within 10 s');
    lab.finding(`DNS answers srv-1..3; the channel resolved at ${aQueriesSince(world, zeroMs, zeroMs).join(', ')}; 6 subscribers: ${podSpread(before, world)}`);

    const joinedAtMs = nowMs();
    world.answer([srv1!, srv2!, srv3!, srv4!]);
    lab.act('dns', joinedAtMs, `${srv4!.id} (${srv4!.ip}) ready: the DNS answer has 4 addresses`);
    await delay(DNS_MIN_RESOLUTION_MS * 1.5);
    await subscribers.subscribe(3);
    const more = await viewsWhen(subscribers, streamingCount(9), 10_000);
    if (!more) return void lab.mismatch('the 9 subscribers did not all stream within 10 s');
    const asked = aQueriesSince(world, joinedAtMs, zeroMs);
    lab.finding(`after ${srv4!.id} joined the answer: A queries ${asked.length ? asked.join(', ') : 'none'}; 3 more subscribers later: ${podSpread(more, world)}`);
    if (asked.length) lab.mismatch('the channel asked DNS again before losing a connection');
    if (more.some((view) => world.idOf(view.backend) === srv4!.id)) lab.mismatch(`${srv4!.id} got a stream before the channel re-resolved`);

    const deletedAtMs = nowMs();
    world.answer([srv2!, srv3!, srv4!]);
    lab.act('terminate', deletedAtMs, `pod ${srv1!.id} deleted: out of the answer, SIGTERM (GOAWAY, no grace)`);
    await srv1!.servers.stop(srv1!.view.id, 'stop');
    const after = await viewsWhen(subscribers, (views) => streamingCount(9)(views) && views.every((view) => world.idOf(view.backend) !== srv1!.id), 10_000);
    if (!after) return void lab.mismatch(`srv-1's subscribers did not all stream again within 10 s`);
    const reResolved = aQueriesSince(world, deletedAtMs, zeroMs);
    lab.finding(`after ${srv1!.id}'s GOAWAY the channel re-resolved at ${reResolved.join(', ') || 'never'}; the 9: ${podSpread(after, world)}; ${after.reduce((sum, view) => sum + view.gaps, 0)} gaps`);
    if (!reResolved.length) lab.mismatch('the channel did not re-resolve after losing srv-1');
    if (!after.some((view) => world.idOf(view.backend) === srv4!.id)) lab.mismatch(`${srv4!.id} got no stream even after the re-resolution`);
  }),
};
