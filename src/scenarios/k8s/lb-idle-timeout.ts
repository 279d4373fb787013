/**
 * Lab `lb-idle-timeout`: a load balancer (or NAT) in the path forgets a TCP connection that
 * carried nothing for N (an AWS NLB: 350 s; here 1 s) and from then on drops its packets
 * without a word. Two subscribers on one server through it, the topic quiet for longer than
 * N: the one whose channel sends keepalive PINGs more often than N keeps its connection
 * known and gets the next event; the one without client keepalive does not, and neither TCP
 * nor gRPC tells it. The server notices through its own keepalive PING; the client never
 * does — the runner cancels it after watching it miss the event.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { createTcpBalancer } from '../../faults/tcp-balancer.ts';
import { nowMs } from '../../core/clock.ts';
import type { ScenarioLab } from '../scenario.ts';
import { allStreaming, LAB_TOPIC, labClient, labSubscribers, startLabServers } from './lab-fleet.ts';
import { runLab } from './lab-run.ts';

/** The balancer's idle timeout (350 s on an AWS NLB, scaled down), ms. */
export const IDLE_TIMEOUT_MS = 1_000;
/** Client keepalive of the channel that survives: below the idle timeout, ms. */
const KEPT_KEEPALIVE_MS = 300;
/** Server keepalive: above the idle timeout (gRPC's default is 2 h), so its PINGs cannot keep the flow known, ms. */
const SERVER_KEEPALIVE_MS = 2_000;
const SERVER_KEEPALIVE_TIMEOUT_MS = 1_000;
/** How long the topic stays quiet between the two events: well past the idle timeout, ms. */
const QUIET_MS = 2_500;

export const LB_IDLE_TIMEOUT_LAB: ScenarioLab = {
  cause: `an L4 balancer forgets connections idle ${IDLE_TIMEOUT_MS} ms; the topic is quiet ${QUIET_MS} ms`,
  lane: `network (LB, idle ${IDLE_TIMEOUT_MS} ms)`,
  run: (deps, scenario) => runLab(deps, scenario, async (lab) => {
    const world = await startLabServers(lab, 1, { slots: 1, tickMs: 0, keepaliveTimeMs: SERVER_KEEPALIVE_MS, keepaliveTimeoutMs: SERVER_KEEPALIVE_TIMEOUT_MS });
    const port = Number(world.started[0]!.address.split(':')[1]);
    const forgotten = new Map<number, number>();
    const balancer = createTcpBalancer({
      backends: [{ host: '127.0.0.1', port }], idleTimeoutMs: IDLE_TIMEOUT_MS,
      onForget: (connection, atMs) => {
        forgotten.set(connection, atMs);
        lab.act('fault', atMs, `balancer forgets connection #${connection} (idle ${IDLE_TIMEOUT_MS} ms)`);
      },
    });
    lab.defer(() => balancer.close());
    const front = await balancer.listen();
    const target = `${front.host}:${front.port}`;
    lab.begin();
    // One channel each, so each has its own connection: #1 kept alive, #2 quiet.
    const kept = labSubscribers(lab, labClient(lab, { target, keepaliveTimeMs: KEPT_KEEPALIVE_MS, keepaliveTimeoutMs: 1_000 }), 1, 'keepalive')[0]!;
    if (!(await allStreaming([kept], -1, 10_000))) lab.mismatch('the kept subscriber did not stream');
    const quiet = labSubscribers(lab, labClient(lab, { target, keepaliveTimeMs: 0 }), 1, 'no-keepalive')[0]!;
    if (!(await allStreaming([quiet], -1, 10_000))) lab.mismatch('the quiet subscriber did not stream');
    const startMs = nowMs();
    const first = await world.relay.publish(LAB_TOPIC, 'before the quiet');
    await delay(QUIET_MS);
    const second = await world.relay.publish(LAB_TOPIC, 'after the quiet');
    const at = (ms: number | undefined) => (ms === undefined ? 'never' : `+${Math.round(ms - startMs)} ms`);
    lab.finding(`event ${first.eventId} at +0 ms, then ${QUIET_MS} ms of quiet, event ${second.eventId} at +${Math.round(nowMs() - startMs)} ms; the server counted it delivered to ${second.delivered} subscriber(s)`);
    // The server notices through its keepalive: a PING leaves at most SERVER_KEEPALIVE_MS after
    // the flow died and times out SERVER_KEEPALIVE_TIMEOUT_MS later.
    const serverEnd = await deps.run.nextEnd('server', SERVER_KEEPALIVE_MS + SERVER_KEEPALIVE_TIMEOUT_MS + 1_000);
    await delay(300); // the quiet client gets every chance to notice too
    const keptView = kept.view();
    const quietView = quiet.view();
    lab.finding(`with client keepalive every ${KEPT_KEEPALIVE_MS} ms (< ${IDLE_TIMEOUT_MS} ms): connection #1 ${forgotten.has(1) ? `forgotten at ${at(forgotten.get(1))}` : 'never idle'}; last event ${keptView.last_event_id}, ${keptView.state}`);
    lab.finding(`without client keepalive: connection #2 forgotten at ${at(forgotten.get(2))}; last event ${quietView.last_event_id}, still ${quietView.state} — nothing told the client`);
    lab.finding(`who noticed: the server, by its own keepalive PING (every ${SERVER_KEEPALIVE_MS} ms, timeout ${SERVER_KEEPALIVE_TIMEOUT_MS} ms): ${serverEnd?.endCause ?? 'nothing'} at ${at(serverEnd?.endedAtMs)}; the client never — the runner cancels it now`);
    if (forgotten.has(1)) lab.mismatch('the kept connection was forgotten although its PINGs crossed the balancer');
    if (!forgotten.has(2)) lab.mismatch('the quiet connection was never forgotten');
    if (keptView.last_event_id !== second.eventId) lab.mismatch(`the kept subscriber's last event is ${keptView.last_event_id}, expected ${second.eventId}`);
    if (quietView.last_event_id !== first.eventId || quietView.state !== 'streaming') lab.mismatch(`the quiet subscriber is ${quietView.state} at event ${quietView.last_event_id}, expected streaming, stuck at ${first.eventId}`);
    // The quiet one first, so its cancel is the client end the table shows.
    lab.act('cancel', nowMs(), 'cancel() of the quiet subscriber');
    await quiet.stop();
  }),
};
