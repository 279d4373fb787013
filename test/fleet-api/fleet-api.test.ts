/**
 * The fleet's control API on a real fleet (child servers on free ports) and a real HTTP
 * port: happy paths for servers, clients, notify and scenarios; 4xx JSON answers that
 * name the bad field or id; the API keeps serving after each of them.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { createFleet } from '../../src/fleet/fleet.ts';
import type { Fleet } from '../../src/fleet/fleet.ts';
import { createFleetApi } from '../../src/fleet-api/fleet-api.ts';
import { createFleetScenarios } from '../../src/fleet-api/fleet-scenarios.ts';
import { createTelemetryDeps } from '../../src/telemetry/create-telemetry-deps.ts';
import { createMetricsRequestListener } from '../../src/telemetry/metrics-http.ts';
import { pollProcesses, running } from '../helpers/processes.ts';

describe('fleet control API', () => {
  let fleet: Fleet;
  let api: FastifyInstance;
  let base: string;
  const telemetry = createTelemetryDeps({ logger: { format: 'json', level: 'error' } });

  async function call(method: string, path: string, body?: unknown): Promise<{ status: number; json: any; type: string }> {
    const response = await fetch(`${base}${path}`, {
      method, ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
    });
    const text = await response.text();
    const type = response.headers.get('content-type') ?? '';
    return { status: response.status, json: type.includes('json') ? JSON.parse(text) : text, type };
  }

  before(async () => {
    fleet = await createFleet({ telemetry, importSpans: () => {} }, { servers: 2, slots: 3, clients: 4, basePort: 0, tickMs: 100, backoff: { initialMs: 200 } });
    const metrics = createMetricsRequestListener(telemetry.metrics.registry);
    api = await createFleetApi({ fleet, scenarios: createFleetScenarios({ logger: telemetry.logger, importSpans: () => {} }), topic: 'fleet', metrics });
    await api.listen({ host: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${(api.server.address() as { port: number }).port}`;
  });
  after(async () => {
    await api.close();
    await fleet.close();
  });

  test('servers: list, start in a free slot, kill, stop, and the errors', async () => {
    const listed = await call('GET', '/api/servers');
    assert.equal(listed.status, 200);
    assert.equal(listed.json.length, 2);
    for (const server of listed.json) {
      assert.deepEqual(Object.keys(server).sort(), ['address', 'id', 'metrics_port', 'pid', 'state', 'streams']);
      assert.equal(server.state, 'running');
      assert.match(server.address, /^127\.0\.0\.1:\d+$/);
    }
    const started = await call('POST', '/api/servers');
    assert.equal(started.status, 201);
    assert.equal(started.json.state, 'running');
    const full = await call('POST', '/api/servers');
    assert.equal(full.status, 409);
    assert.equal(full.json.error, 'conflict');
    assert.match(full.json.message, /every one of the 3 slots/);
    const badMode = await call('DELETE', `/api/servers/${started.json.id}?mode=zap`);
    assert.deepEqual(badMode.json, { error: 'bad_request', message: 'querystring/mode must be equal to one of the allowed values: kill, stop' });
    const unknown = await call('DELETE', '/api/servers/srv-99?mode=kill');
    assert.equal(unknown.status, 404);
    assert.match(unknown.json.message, /no server with id "srv-99": known ids are srv-1, srv-2, srv-3/);
    const killed = await call('DELETE', `/api/servers/${started.json.id}?mode=kill`);
    assert.equal(killed.status, 200);
    assert.equal(killed.json.state, 'killed');
    assert.equal(killed.json.streams, null);
    assert.equal(running(killed.json.pid), false);
    const again = await call('DELETE', `/api/servers/${started.json.id}?mode=stop`);
    assert.equal(again.status, 409);
    const targets = await call('GET', '/api/prometheus-targets');
    assert.equal(targets.json.length, 2);
    assert.match(targets.json[0].targets[0], /^127\.0\.0\.1:\d+$/);
  });

  test('clients: start, list, stop one and all; notify; the errors', async () => {
    assert.ok(await pollProcesses(() => fleet.listSubscribers().every((view) => view.state === 'streaming'), 10_000));
    const listed = await call('GET', '/api/clients');
    assert.equal(listed.json.length, 4);
    assert.deepEqual(Object.keys(listed.json[0]).sort(), ['backend', 'duplicates', 'gaps', 'id', 'last_end_cause', 'last_event_id', 'received', 'reconnects', 'state', 'topic']);
    const added = await call('POST', '/api/clients', { count: 2, topic: 'other' });
    assert.equal(added.status, 201);
    assert.deepEqual(added.json.map((view: { topic: string }) => view.topic), ['other', 'other']);
    assert.ok(await pollProcesses(() => fleet.listSubscribers().filter((view) => view.topic === 'other').every((view) => view.state === 'streaming'), 10_000));
    const notified = await call('POST', '/api/notify', { topic: 'other', text: 'hello' });
    assert.deepEqual(notified.json, { delivered: 2 });
    for (const [body, message] of [
      [{ count: 0 }, 'body/count must be >= 1'],
      [{ count: 10_001 }, 'body/count must be <= 10000'],
      [{ count: 'many' }, 'body/count must be integer'],
      [{ count: 1, colour: 'red' }, 'body has unknown property "colour"'],
      [{ count: 1, topic: '' }, 'body/topic must NOT have fewer than 1 characters'],
    ] as const) {
      const refused = await call('POST', '/api/clients', body);
      assert.equal(refused.status, 400, JSON.stringify(body));
      assert.deepEqual(refused.json, { error: 'bad_request', message });
    }
    const noTopic = await call('POST', '/api/notify', { text: 'x' });
    assert.deepEqual(noTopic.json, { error: 'bad_request', message: "body must have required property 'topic'" });
    const notJson = await call('POST', '/api/notify', '{nope');
    assert.equal(notJson.status, 400);
    const gone = await call('DELETE', '/api/clients/s-999');
    assert.equal(gone.status, 404);
    assert.match(gone.json.message, /no client with id "s-999"/);
    const stopped = await call('DELETE', `/api/clients/${added.json[0].id}`);
    assert.equal(stopped.json[0].state, 'stopped');
    assert.equal(stopped.json[0].last_end_cause, 'client_cancelled');
    assert.equal((await call('GET', '/api/clients')).json.length, 5);
    const all = await call('DELETE', '/api/clients/all');
    assert.equal(all.json.length, 5);
    assert.deepEqual((await call('GET', '/api/clients')).json, []);
    const route = await call('GET', '/api/nothing');
    assert.equal(route.status, 404);
    assert.equal(route.json.error, 'not_found');
  });

  test('scenarios: the catalogue and one run; an unknown name lists the known ones', async () => {
    const catalogue = await call('GET', '/api/scenarios');
    assert.ok(catalogue.json.some((scenario: { name: string }) => scenario.name === 'cancel'));
    const run = await call('POST', '/api/scenarios/cancel/run');
    assert.equal(run.status, 200);
    assert.equal(run.json.name, 'cancel');
    assert.equal(run.json.ok, true);
    assert.equal(run.json.client.end_cause, 'client_cancelled');
    assert.equal(run.json.server.end_cause, 'client_cancelled');
    const unknown = await call('POST', '/api/scenarios/bogus/run');
    assert.equal(unknown.status, 404);
    assert.match(unknown.json.message, /unknown scenario "bogus": allowed are completion, cancel/);
  });

  test('OpenAPI document, docs page, /metrics and /healthz beside', async () => {
    const openapi = await call('GET', '/api/openapi.json');
    assert.equal(openapi.json.openapi.startsWith('3.'), true);
    for (const path of ['/api/servers', '/api/servers/{id}', '/api/clients', '/api/clients/{id}', '/api/notify', '/api/scenarios', '/api/scenarios/{name}/run']) {
      assert.ok(openapi.json.paths[path], `OpenAPI has ${path}`);
    }
    assert.deepEqual(Object.keys(openapi.json.components.schemas).sort(), ['Client', 'Error', 'Server']);
    const docs = await call('GET', '/api/docs/');
    assert.equal(docs.status, 200);
    assert.match(docs.type, /text\/html/);
    const metrics = await call('GET', '/metrics');
    assert.match(metrics.json, /streamlab_fleet_reconnects_total/);
    assert.match(metrics.type, /text\/plain; version=0\.0\.4/);
    assert.equal((await call('GET', '/healthz')).status, 200);
  });
});
