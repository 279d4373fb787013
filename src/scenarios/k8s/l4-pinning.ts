/**
 * Lab `l4-pinning`: a ClusterIP Service balances connections, not streams. Nine subscribers
 * share one channel to a connection-level balancer in front of three servers (kube-proxy's
 * part): one TCP connection, one backend, all nine streams on it. The same nine on a
 * round_robin channel over the three servers' own addresses (what a headless Service's DNS
 * answer gives) spread three, three, three.
 */
import { createTcpBalancer } from '../../faults/tcp-balancer.ts';
import { warmChannel } from '../../fleet/warm-up.ts';
import type { ScenarioLab } from '../scenario.ts';
import { allStreaming, labClient, labSubscribers, spreadOf, spreadText, startLabServers } from './lab-fleet.ts';
import { runLab } from './lab-run.ts';

/** Subscribers per channel. */
const SUBSCRIBERS = 9;
/** Servers behind the balancer and in the round-robin target. */
const SERVERS = 3;
/** Bound for the subscribers to stream, ms. */
const STREAMING_WITHIN_MS = 10_000;

export const L4_PINNING_LAB: ScenarioLab = {
  cause: `${SUBSCRIBERS} subscribers on one channel through an L4 balancer, ${SUBSCRIBERS} on round_robin`,
  lane: 'network (L4 balancer)',
  run: (deps, scenario) => runLab(deps, scenario, async (lab) => {
    const world = await startLabServers(lab, SERVERS, { slots: SERVERS, tickMs: 100 });
    const ids = world.started.map((view) => view.id);
    const backends = world.started.map((view) => ({ host: '127.0.0.1', port: Number(view.address.split(':')[1]) }));
    const balancer = createTcpBalancer({ backends });
    lab.defer(() => balancer.close());
    const front = await balancer.listen();
    lab.begin();

    // The ClusterIP case: one virtual address, one channel, one connection.
    const clusterIp = labClient(lab, { target: `${front.host}:${front.port}`, keepaliveTimeMs: 1_000, keepaliveTimeoutMs: 1_000 });
    const pinned = labSubscribers(lab, clusterIp, SUBSCRIBERS, 'clusterip');
    if (!(await allStreaming(pinned, 0, STREAMING_WITHIN_MS))) lab.mismatch(`the ${SUBSCRIBERS} subscribers through the balancer did not all stream within ${STREAMING_WITHIN_MS} ms`);
    const streams = new Map((await world.servers.list()).map((view) => [view.id, view.streams ?? 0] as const));
    const connections = balancer.connections();
    const chosen = connections.map((connection) => world.idOf(connection.backend.port));
    lab.finding(`ClusterIP (an L4 balancer): ${connections.length} TCP connection(s), to ${chosen.join(', ')}; streams per server ${spreadText(streams, ids)}`);
    const busy = [...streams.values()].filter((count) => count > 0);
    if (busy.length !== 1 || busy[0] !== SUBSCRIBERS) lab.mismatch(`through the balancer the streams were ${spreadText(streams, ids)}, expected all ${SUBSCRIBERS} on one server`);

    // The headless case: every server's address, round_robin, warmed so no stream pins.
    const headless = labClient(lab, { target: `ipv4:${backends.map((b) => `${b.host}:${b.port}`).join(',')}`, loadBalancing: 'round_robin', keepaliveTimeMs: 1_000, keepaliveTimeoutMs: 1_000 });
    await lab.outside(() => warmChannel(headless.channel, SERVERS));
    const spread = labSubscribers(lab, headless, SUBSCRIBERS, 'roundrobin');
    if (!(await allStreaming(spread, 0, STREAMING_WITHIN_MS))) lab.mismatch(`the ${SUBSCRIBERS} round_robin subscribers did not all stream within ${STREAMING_WITHIN_MS} ms`);
    const even = spreadOf(spread, world);
    lab.finding(`headless Service + round_robin: ${headless.connections} TCP connections; streams per server ${spreadText(even, ids)}`);
    const counts = ids.map((id) => even.get(id) ?? 0);
    if (Math.max(...counts) - Math.min(...counts) > 1) lab.mismatch(`round_robin spread ${spreadText(even, ids)}, expected even`);
    lab.finding('then the runner stops every subscriber: the ends below are those cancels');
  }),
};
