/**
 * The fleet across machines (issue 18), real nats-server and real processes:
 * - `fleet --bus`: its servers are `serve --bus` children; subscribers resume on the others
 *   after a kill with 0 gaps and 0 duplicates, a Notify counts every subscriber, and the
 *   fan-out is timed from the bus's numbering — as the embedded fleet does;
 * - `fleet --backends`: servers it did not start (two `serve --bus` processes of this test)
 *   are listed as external, cannot be started, killed or stopped through the API, and
 *   serve its subscribers and its Notify like its own.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { startNatsBus } from '../../src/bus/nats-bus.ts';
import type { NatsBus } from '../../src/bus/nats-bus.ts';
import { parseBackendsTarget } from '../../src/fleet/backends-target.ts';
import { createFleet } from '../../src/fleet/fleet.ts';
import type { Fleet } from '../../src/fleet/fleet.ts';
import { createFleetApi } from '../../src/fleet-api/fleet-api.ts';
import { createFleetScenarios } from '../../src/fleet-api/fleet-scenarios.ts';
import { createTelemetryDeps } from '../../src/telemetry/create-telemetry-deps.ts';
import { createMetricsRequestListener } from '../../src/telemetry/metrics-http.ts';
import { startBusServer } from '../helpers/bus.ts';
import type { BusServer } from '../helpers/bus.ts';
import { pollProcesses } from '../helpers/processes.ts';

const BACKOFF = { initialMs: 300, multiplier: 1.6, jitter: 0.2, maxMs: 5_000 };
const BOUND_MS = 30_000;
let bus: NatsBus;

before(async () => {
  bus = await startNatsBus({ nodes: 1, dir: mkdtempSync(join(tmpdir(), 'streamlab-fleet-bus-')) });
});
after(async () => {
  await bus?.close();
});

/** Waits (bounded) until every subscriber streams past `afterId`. */
async function allStreamingPast(fleet: Fleet, afterId: number): Promise<void> {
  const ok = await pollProcesses(() => fleet.listSubscribers().every((view) => view.state === 'streaming' && view.last_event_id > afterId), BOUND_MS);
  assert.ok(ok, `not every subscriber streams past ${afterId}: ${JSON.stringify(fleet.listSubscribers().slice(0, 3))}`);
}

const totals = (fleet: Fleet) => fleet.listSubscribers().reduce((sum, view) => ({ gaps: sum.gaps + view.gaps, duplicates: sum.duplicates + view.duplicates }), { gaps: 0, duplicates: 0 });

describe('fleet --bus', () => {
  const telemetry = createTelemetryDeps({ logger: { format: 'json', level: 'error' } });
  let fleet: Fleet;
  before(async () => {
    fleet = await createFleet({ telemetry, importSpans: () => {} }, {
      servers: 3, clients: 12, basePort: 0, tickMs: 100, backoff: BACKOFF, topic: 'fleet',
      bus: { bus: bus.urls, tickMs: 100, history: 1_000, expiresMs: 1_000, reconnectWaitMs: 100 },
    });
  });
  after(async () => {
    await fleet?.close();
  });

  test('a Notify counts every subscriber of every server, and its fan-out is timed from the bus', async () => {
    await allStreamingPast(fleet, 0);
    assert.deepEqual(await fleet.notify('fleet', 'hello bus'), { delivered: 12 });
    const timed = await pollProcesses(() => fleet.lastFanoutSeconds('fleet') !== undefined, BOUND_MS);
    assert.ok(timed, 'a fan-out was timed');
  });

  test('after a server is killed its subscribers resume on the others: 0 gaps, 0 duplicates', async () => {
    const [victim] = await fleet.servers.list();
    const lastId = await fleet.lastEventId('fleet');
    assert.ok(lastId > 0, 'the fleet sees the numbering');
    await fleet.servers.stop(victim!.id, 'kill');
    await allStreamingPast(fleet, lastId + 3);
    assert.ok(fleet.listSubscribers().every((view) => view.backend !== victim!.address));
    assert.ok(fleet.listSubscribers().some((view) => view.reconnects > 0));
    assert.deepEqual(totals(fleet), { gaps: 0, duplicates: 0 });
  });
});

describe('fleet --backends', () => {
  const telemetry = createTelemetryDeps({ logger: { format: 'json', level: 'error' } });
  const servers: BusServer[] = [];
  let fleet: Fleet;
  let api: FastifyInstance;
  let base: string;
  const call = async (method: string, path: string) => {
    const response = await fetch(`${base}${path}`, { method });
    return { status: response.status, json: await response.json() as any };
  };

  before(async () => {
    servers.push(...await Promise.all([1, 2].map(() => startBusServer(telemetry, bus.urls, ['--tick-ms', '100']))));
    const backends = parseBackendsTarget(`ipv4:${servers.map((server) => server.target).join(',')}`);
    fleet = await createFleet({ telemetry, importSpans: () => {} }, {
      clients: 6, tickMs: 100, backoff: BACKOFF, topic: 'ext', backends, bus: { bus: bus.urls, tickMs: 100, history: 1_000 },
    });
    api = await createFleetApi({ fleet, scenarios: createFleetScenarios({ logger: telemetry.logger, importSpans: () => {} }), topic: 'ext', metrics: createMetricsRequestListener(telemetry.metrics.registry) });
    await api.listen({ host: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${(api.server.address() as { port: number }).port}`;
  });
  after(async () => {
    await api?.close();
    await fleet?.close();
    for (const server of servers) {
      server.client.close();
      server.cli.child.kill('SIGTERM');
    }
    await Promise.all(servers.map((server) => server.cli.done));
  });

  test('GET /api/servers lists the servers it did not start as external; start, kill and stop are refused', async () => {
    const listed = await call('GET', '/api/servers');
    assert.equal(listed.status, 200);
    // In the order --backends gives them (ipv4:); a DNS name's addresses are sorted.
    assert.deepEqual(listed.json, servers.map((server, index) => ({ id: `ext-${index + 1}`, address: server.target, pid: null, state: 'external', streams: null, metrics_port: null })));
    const started = await call('POST', '/api/servers');
    assert.equal(started.status, 409);
    assert.match(started.json.message, /runs against external servers \(--backends ipv4:/);
    const killed = await call('DELETE', '/api/servers/ext-1?mode=kill');
    assert.equal(killed.status, 409);
    assert.match(killed.json.message, /^server ext-1 is external: this fleet runs against external servers/);
    assert.equal((await call('DELETE', '/api/servers/srv-9')).status, 404, 'an unknown id is still a 404');
  });

  test('its subscribers stream from both external servers and a Notify reaches all of them', async () => {
    await allStreamingPast(fleet, 0);
    const backends = new Set(fleet.listSubscribers().map((view) => view.backend));
    assert.deepEqual([...backends].sort(), servers.map((server) => server.target).sort());
    assert.deepEqual(await fleet.notify('ext', 'to the outside'), { delivered: 6 });
  });
});
