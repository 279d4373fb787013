/**
 * The bus (issue 18) with a real nats-server (stack/install-tools.sh nats), no mock broker:
 * two `streamlab serve --bus` processes that share no parent number every topic the same
 * way — a Notify taken by one reaches a follower of the other with one event id, ticks do
 * not multiply, a follower resumes on the other after its server is killed with 0 gaps and
 * 0 duplicates — and they keep streaming across a restart of the bus, which shows in their
 * metrics and in a `bus.outage` span.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { telemetry } from '../../src/instrumentation.ts';
import { connectBus } from '../../src/bus/bus-connection.ts';
import type { BusConnection } from '../../src/bus/bus-connection.ts';
import { startNatsBus } from '../../src/bus/nats-bus.ts';
import type { NatsBus } from '../../src/bus/nats-bus.ts';
import { topicStream } from '../../src/bus/topic-stream.ts';
import { createTelemetryDeps } from '../../src/telemetry/create-telemetry-deps.ts';
import * as sc from '../../src/telemetry/semconv.ts';
import { account, follow, startBusServer } from '../helpers/bus.ts';
import type { BusServer } from '../helpers/bus.ts';

/** Bound of every wait on the processes and the bus (a busy 2-core host starts Node slowly). */
const BOUND_MS = 30_000;
const deps = createTelemetryDeps({ logger: { format: 'json', level: 'error' } });
let bus: NatsBus;
let a: BusServer;
let b: BusServer;

before(async () => {
  bus = await startNatsBus({ nodes: 1, dir: mkdtempSync(join(tmpdir(), 'streamlab-bus-')) });
  // Ticks every 100 ms; a stalled consumer is recreated after 1 s.
  const args = ['--tick-ms', '100', '--bus-expires-ms', '1000', '--bus-reconnect-wait-ms', '100'];
  [a, b] = await Promise.all([startBusServer(deps, bus.urls, args), startBusServer(deps, bus.urls, args)]);
});
after(async () => {
  for (const server of [a, b]) {
    server?.client.close();
    server?.cli.child.kill('SIGTERM');
  }
  await Promise.all([a, b].map((server) => server?.cli.done));
  await bus?.close();
});

test('a Notify taken by one server reaches the followers of both with the same event id, and counts them both', async () => {
  const onA = follow(a.client, 'cross');
  const onB = follow(b.client, 'cross');
  await Promise.all([onA.gap, onB.gap]);
  const reply = await a.client.notify({ topic: 'cross', text: 'hello' }).response;
  assert.equal(reply?.delivered, 2, 'delivered: one follower on each server (the census)');
  const [seenA, seenB] = await Promise.all([onA.waitFor({ text: 'hello' }, BOUND_MS), onB.waitFor({ text: 'hello' }, BOUND_MS)]);
  assert.equal(seenB.id, seenA.id, 'one id for the Notify on both servers');
  await onB.waitFor({ id: seenB.id + 5 }, BOUND_MS);
  onA.cancel();
  onB.cancel();
  for (const follower of [onA, onB]) assert.deepEqual(account(follower.events.map((event) => event.id)), { gaps: 0, duplicates: 0 });
});

test('ticks from two servers do not multiply: the stream holds one tick per wall-clock slot', async () => {
  const onA = follow(a.client, 'slots');
  const onB = follow(b.client, 'slots');
  await onB.waitFor({ id: 15 }, BOUND_MS);
  onA.cancel();
  onB.cancel();
  const nc = await connect({ servers: bus.urls.split(',') });
  try {
    const jsm = await jetstreamManager(nc);
    const { stream } = topicStream('slots');
    const last = (await jsm.streams.info(stream)).state.last_seq;
    const slots: string[] = [];
    for (let seq = 1; seq <= last; seq++) slots.push((await jsm.streams.getMessage(stream, { seq }))?.header.get('Nats-Msg-Id') ?? 'missing');
    assert.ok(slots.every((slot) => /^tick:\d+$/.test(slot)), `message ids: ${slots.join(' ')}`);
    assert.equal(new Set(slots).size, slots.length, `a slot stored twice: ${slots.join(' ')}`);
  } finally {
    await nc.close();
  }
});

test('the bus killed and restarted: followers on both servers go on, 0 gaps, 0 duplicates; bus metrics and a bus.outage span show the outage', async () => {
  const capture = telemetry.captureSpans();
  // The test process on the bus too, with the servers' bus code, to see its span in memory.
  const watcher: BusConnection = await connectBus({ metrics: deps.metrics.bus, tracer: deps.tracer, logger: deps.logger }, {
    servers: bus.urls.replaceAll('nats://', '').split(','), label: bus.urls, name: 'bus.test', reconnectWaitMs: 100,
  });
  try {
    const onA = follow(a.client, 'restart');
    const onB = follow(b.client, 'restart');
    const before = await onB.waitFor({ id: 5 }, BOUND_MS);
    await bus.kill(0);
    await bus.restart(0);
    await onA.waitFor({ id: before.id + 10 }, BOUND_MS);
    await onB.waitFor({ id: before.id + 10 }, BOUND_MS);
    onA.cancel();
    onB.cancel();
    for (const follower of [onA, onB]) {
      assert.deepEqual(account(follower.events.map((event) => event.id)), { gaps: 0, duplicates: 0 });
    }
    const labels = `{bus="${bus.urls}"}`;
    for (const server of [a, b]) {
      assert.equal(await server.metric(`${sc.METRIC_BUS_DISCONNECTS}${labels}`), 1, 'one disconnect');
      assert.equal(await server.metric(`${sc.METRIC_BUS_CONNECTED}${labels}`), 1, 'connected again');
      assert.equal(await server.metric(`${sc.METRIC_BUS_OUTAGE_SECONDS}_count`), 1, 'one outage observed');
    }
    await telemetry.forceFlush();
    const outage = capture.spans().find((span) => span.name === sc.SPAN_BUS_OUTAGE);
    assert.ok(outage, 'a bus.outage span');
    assert.deepEqual(outage.events.map((event) => event.name), [sc.EVENT_BUS_DISCONNECT, sc.EVENT_BUS_RECONNECT]);
    assert.equal(outage.attributes[sc.ATTR_MESSAGING_SYSTEM], 'nats');
    assert.ok(Number(outage.attributes[sc.ATTR_BUS_OUTAGE_MS]) > 0, 'its duration');
  } finally {
    capture.stop();
    await watcher.close();
  }
});

test('a follower resumes on the other server after its own is killed: the replay joins the live ids, 0 gaps, 0 duplicates', async () => {
  const first = follow(a.client, 'resume');
  await first.waitFor({ id: 5 }, BOUND_MS);
  a.cli.child.kill('SIGKILL');
  const end = await first.ended;
  assert.match(end.endCause, /^connection_(closed|reset)$/);
  const lastId = first.events.at(-1)!.id;
  // Numbered while the follower is away (nobody follows the topic on b yet: delivered 0).
  assert.equal((await b.client.notify({ topic: 'resume', text: 'meanwhile' }).response)?.delivered, 0);
  const resumed = follow(b.client, 'resume', lastId);
  assert.equal(await resumed.gap, undefined, 'no gap header: the bus still holds every id after the last one');
  await resumed.waitFor({ id: lastId + 5 }, BOUND_MS);
  resumed.cancel();
  assert.deepEqual([resumed.events[0]?.id, resumed.events[0]?.text, resumed.events[0]?.replayed], [lastId + 1, 'meanwhile', true], 'what came meanwhile, replayed from the bus');
  const ids = [...first.events, ...resumed.events].map((event) => event.id);
  assert.deepEqual(account(ids), { gaps: 0, duplicates: 0 });
});
