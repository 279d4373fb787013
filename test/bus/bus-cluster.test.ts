/**
 * The bus as a 3-node JetStream cluster (issue 18), real nats-server processes: a topic
 * stream with 3 replicas survives the SIGKILL of its leader — followers on two servers go on
 * with 0 gaps and 0 duplicates once a new leader is elected — and a bus that is down at start
 * is retried with backoff, then a clear error (exit 1), never a hang.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { startNatsBus } from '../../src/bus/nats-bus.ts';
import type { NatsBus } from '../../src/bus/nats-bus.ts';
import { topicStream } from '../../src/bus/topic-stream.ts';
import { unusedPort } from '../../src/core/unused-port.ts';
import { createTelemetryDeps } from '../../src/telemetry/create-telemetry-deps.ts';
import { runCli } from '../helpers/cli.ts';
import { account, follow, startBusServer } from '../helpers/bus.ts';
import type { BusServer } from '../helpers/bus.ts';

/** Bound of every wait: a leader election takes 4 to 10 s (nats-server's raft timeouts). */
const BOUND_MS = 45_000;
const deps = createTelemetryDeps({ logger: { format: 'json', level: 'error' } });
let bus: NatsBus;
const servers: BusServer[] = [];

before(async () => {
  bus = await startNatsBus({ nodes: 3, dir: mkdtempSync(join(tmpdir(), 'streamlab-bus-cluster-')) });
  const args = ['--tick-ms', '100', '--bus-replicas', '3', '--bus-expires-ms', '1000', '--bus-reconnect-wait-ms', '100'];
  servers.push(...await Promise.all([startBusServer(deps, bus.urls, args), startBusServer(deps, bus.urls, args)]));
});
after(async () => {
  for (const server of servers) {
    server.client.close();
    server.cli.child.kill('SIGTERM');
  }
  await Promise.all(servers.map((server) => server.cli.done));
  await bus?.close();
});

/** The name of the node that leads `topic`'s stream, and its replicas. */
async function streamCluster(topic: string): Promise<{ leader: string; replicas: number }> {
  const nc = await connect({ servers: bus.urls.split(','), timeout: 2_000 });
  try {
    const info = await (await jetstreamManager(nc, { timeout: 5_000 })).streams.info(topicStream(topic).stream);
    return { leader: info.cluster?.leader ?? '', replicas: info.config.num_replicas };
  } finally {
    await nc.close();
  }
}

test('the leader of a topic stream with 3 replicas is killed: followers on both servers go on after the election, 0 gaps, 0 duplicates', async (t) => {
  const [a, b] = servers as [BusServer, BusServer];
  const onA = follow(a.client, 'leader');
  const onB = follow(b.client, 'leader');
  // Both followers have events before the kill: under load one may start seconds after the other.
  const [, before] = await Promise.all([onA.waitFor({ id: 5 }, BOUND_MS), onB.waitFor({ id: 5 }, BOUND_MS)]);
  const { leader, replicas } = await streamCluster('leader');
  assert.equal(replicas, 3);
  const killedAt = await bus.kill(bus.indexOf(leader));
  const idAtKill = Math.max(onA.events.at(-1)!.id, onB.events.at(-1)!.id);
  const [afterA] = await Promise.all([onA.waitFor({ id: idAtKill + 5 }, BOUND_MS), onB.waitFor({ id: idAtKill + 5 }, BOUND_MS)]);
  onA.cancel();
  onB.cancel();
  const pause = Math.max(...onA.arrivals.slice(1).map((at, index) => at - onA.arrivals[index]!));
  t.diagnostic(`leader ${leader} killed at ${killedAt}; longest pause between two events on a: ${pause} ms (the election)`);
  assert.ok(afterA.id > before.id);
  for (const follower of [onA, onB]) assert.deepEqual(account(follower.events.map((event) => event.id)), { gaps: 0, duplicates: 0 });
  assert.notEqual((await streamCluster('leader')).leader, leader, 'a new leader');
});

test('a bus that is down at start is retried with backoff, then serve exits 1 naming it (no hang)', async () => {
  const url = `nats://127.0.0.1:${await unusedPort()}`;
  const run = await runCli(['serve', '--bus', url, '--port', '0', '--metrics-port', '0', '--bus-connect-timeout-ms', '1500'], { boundMs: 60_000 });
  assert.equal(run.code, 1, run.stderr);
  assert.match(run.stderr, new RegExp(`error: the bus ${url} is not reachable: \\d+ attempts over 1500 ms, the last one: .+`));
  assert.match(run.stderr, /bus not reachable, retrying/, 'the retries are logged');
});

test('a bad --bus or STREAMLAB_BUS is a usage error (exit 2) naming the value', async () => {
  const flag = await runCli(['serve', '--bus', 'http://x:1'], { boundMs: 60_000 });
  assert.equal(flag.code, 2);
  assert.match(flag.stderr, /bus entry "http:\/\/x:1" is not a nats:\/\/ URL: expected nats:\/\/HOST:PORT/);
  const env = await runCli(['serve'], { boundMs: 60_000, env: { STREAMLAB_BUS: 'nats://host:0' } });
  assert.equal(env.code, 2);
  assert.match(env.stderr, /STREAMLAB_BUS="nats:\/\/host:0" is not allowed: bus entry "nats:\/\/host:0" has port 0/);
});
