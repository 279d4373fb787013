/**
 * The faults of the bus scenarios (scenario.ts `BusFault`), done to a real NATS bus
 * (src/bus/nats-bus.ts) and recorded in the run's action log.
 */
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsBus } from '../bus/nats-bus.ts';
import { topicStream } from '../bus/topic-stream.ts';
import type { ActionLog } from './run-action.ts';
import type { BusFault } from './scenario-plans.ts';

/** When the fault happened and when the bus was whole again, epoch ms. */
export interface BusFaultTimes {
  /** The SIGKILL. */
  killedAtMs: number;
  /** restart: the node accepts clients again; leader-loss: undefined (the cluster recovers by itself). */
  backAtMs?: number;
  /** The node killed (`n1`, …). */
  node: string;
}

/** The node that leads `topic`'s stream now (`n1`, …). @throws Error when the bus cannot tell */
async function streamLeader(bus: NatsBus, topic: string): Promise<string> {
  const nc = await connect({ servers: bus.urls.split(','), timeout: 2_000 });
  try {
    const info = await (await jetstreamManager(nc, { timeout: 5_000 })).streams.info(topicStream(topic).stream);
    const leader = info.cluster?.leader;
    if (!leader) throw new Error(`stream of topic "${topic}" has no leader`);
    return leader;
  } finally {
    await nc.close();
  }
}

/**
 * Does `fault` to `bus` (the follower's topic is `topic`).
 * @throws Error when the bus cannot be broken as asked (no leader, a node that does not restart)
 */
export async function doBusFault(bus: NatsBus, fault: BusFault, topic: string, log: ActionLog): Promise<BusFaultTimes> {
  if (fault.kind === 'restart') {
    const pid = bus.node(0)?.pid;
    const killedAtMs = await bus.kill(0);
    log.act('kill', killedAtMs, `SIGKILL nats-server pid ${pid}`);
    const node = await bus.restart(0);
    const backAtMs = Date.now();
    log.act('resume', backAtMs, `nats-server started again on its port and store, pid ${node.pid}`);
    return { killedAtMs, backAtMs, node: node.name };
  }
  const leader = await streamLeader(bus, topic);
  const index = bus.indexOf(leader);
  const pid = bus.node(index)?.pid;
  const killedAtMs = await bus.kill(index);
  log.act('kill', killedAtMs, `SIGKILL stream leader ${leader}, pid ${pid}`);
  return { killedAtMs, node: leader };
}
