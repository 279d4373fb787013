/**
 * Web pages cannot drive the fleet's control API (issue 16 item 8): a request whose Host is
 * not the API (DNS rebinding) and a state change from a foreign Origin are 403 and reach no
 * route; bodies must be application/json (415); types are strict (`{"count":"10"}` is a
 * 400); a bearer token, when set, guards the /api routes (401), and the CLI requires one
 * when the API binds beyond loopback. The API runs on a real HTTP port over a recording
 * fake fleet, so "reached no route" is asserted, not assumed.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { createFleetApi } from '../../src/fleet-api/fleet-api.ts';
import type { Fleet } from '../../src/fleet/fleet.ts';
import type { ApiAccess } from '../../src/fleet-api/api-access.ts';
import type { createFleetScenarios } from '../../src/fleet-api/fleet-scenarios.ts';
import { runCli } from '../helpers/cli.ts';

const TOKEN = 'test-token-0123456789abcdef';
const SERVER = { id: 'srv-1', address: '127.0.0.1:7071', pid: 1, state: 'running', streams: 0, metrics_port: 9464 };

/** A fleet that records what the API asked of it. */
function fakeFleet(calls: string[]): Fleet {
  return {
    servers: {
      list: async () => [SERVER],
      start: async () => (calls.push('servers.start'), SERVER),
      stop: async (id: string, mode: string) => (calls.push(`servers.stop ${id} ${mode}`), { ...SERVER, state: 'killed' }),
    },
    listSubscribers: () => [],
    addSubscribers: (count: number, topic: string) => (calls.push(`addSubscribers ${count} ${topic}`), []),
    stopSubscribers: (id: string) => (calls.push(`stopSubscribers ${id}`), []),
    notify: async () => (calls.push('notify'), { delivered: 0 }),
  } as unknown as Fleet;
}

/** An HTTP request with any headers (fetch would not let a test set Host). */
function send(port: number, method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<{ status: number; json: any; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method, path, headers: { host: `127.0.0.1:${port}`, ...headers } }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => void (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, json: String(res.headers['content-type']).includes('json') ? JSON.parse(text) : text, headers: res.headers }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Starts the API over a fake fleet with `access`; `calls` records every route reached. */
async function startApi(access?: ApiAccess) {
  const calls: string[] = [];
  const scenarios = { run: async (name: string) => (calls.push(`scenario ${name}`), { name }) } as unknown as ReturnType<typeof createFleetScenarios>;
  const api: FastifyInstance = await createFleetApi({
    fleet: fakeFleet(calls), scenarios, topic: 'fleet', metrics: (_req, res) => res.end('# metrics\n'), ...(access ? { access } : {}),
  });
  await api.listen({ host: '127.0.0.1', port: 0 });
  return { api, calls, port: (api.server.address() as { port: number }).port };
}

describe('without a token, on loopback', () => {
  let api: FastifyInstance;
  let calls: string[];
  let port: number;
  before(async () => ({ api, calls, port } = await startApi()));
  after(() => api.close());

  test('a cross-origin POST /api/servers with no body is 403 and starts nothing', async () => {
    const answer = await send(port, 'POST', '/api/servers', { origin: 'http://evil.example' });
    assert.equal(answer.status, 403);
    assert.equal(answer.json.error, 'forbidden');
    assert.match(answer.json.message, /Origin "http:\/\/evil\.example" may not POST here/);
    assert.deepEqual(calls, []);
  });

  test('a page of another port of this machine (a dev server on localhost:3000) is another origin: 403', async () => {
    const answer = await send(port, 'DELETE', '/api/clients/all', { origin: 'http://localhost:3000', host: `localhost:${port}` });
    assert.equal(answer.status, 403);
    assert.equal((await send(port, 'POST', '/api/servers', { origin: 'null' })).status, 403, 'a sandboxed page sends Origin null');
    assert.deepEqual(calls, []);
  });

  test('a cross-origin scenario run is 403 and runs nothing', async () => {
    const answer = await send(port, 'POST', '/api/scenarios/completion/run', { origin: 'https://attacker.test' });
    assert.equal(answer.status, 403);
    assert.deepEqual(calls, []);
  });

  test('DNS rebinding: Host rebind.evil.example is 403, for reads too, and kills nothing', async () => {
    const kill = await send(port, 'DELETE', '/api/servers/srv-1?mode=kill', { host: `rebind.evil.example:${port}` });
    assert.equal(kill.status, 403);
    assert.match(kill.json.message, /^Host "rebind\.evil\.example:\d+" is not a name of this API: DNS rebinding is refused/);
    assert.doesNotMatch(kill.json.message, /127\.0\.0\.1|localhost/, "the names it knows are not told to a rebinding page, which can read the answer");
    const read = await send(port, 'GET', '/api/clients', { host: `rebind.evil.example:${port}` });
    assert.equal(read.status, 403);
    assert.deepEqual(calls, []);
  });

  test('bodies must be application/json: text/plain and forms are 415 and reach no route', async () => {
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      const answer = await send(port, 'POST', '/api/clients', { 'content-type': type }, '{"count":1}');
      assert.equal(answer.status, 415, type);
      assert.equal(answer.json.error, 'unsupported_media_type');
    }
    assert.deepEqual(calls, []);
  });

  test('a body over 1 MiB is 413 and a path parameter over 100 characters 414, reaching no route', async () => {
    const big = await send(port, 'POST', '/api/notify', { 'content-type': 'application/json' }, JSON.stringify({ topic: 't', text: 'x'.repeat(1_048_576) }));
    assert.equal(big.status, 413);
    assert.equal(big.json.error, 'payload_too_large');
    assert.equal((await send(port, 'DELETE', `/api/clients/${'c'.repeat(101)}`)).status, 414);
    assert.deepEqual(calls, []);
  });

  test('types are strict: {"count":"10"} is a 400 naming the field, not 10 subscribers', async () => {
    const answer = await send(port, 'POST', '/api/clients', { 'content-type': 'application/json' }, '{"count":"10"}');
    assert.equal(answer.status, 400);
    assert.equal(answer.json.message, 'body/count must be integer');
    assert.deepEqual(calls, []);
  });

  test('the API\'s own pages and clients without Origin still drive it: localhost, 127.0.0.1, [::1]', async () => {
    assert.equal((await send(port, 'POST', '/api/servers')).status, 201);
    assert.equal((await send(port, 'POST', '/api/servers', { origin: `http://localhost:${port}`, host: `localhost:${port}` })).status, 201);
    const json = { 'content-type': 'application/json; charset=utf-8', origin: `http://127.0.0.1:${port}` };
    assert.equal((await send(port, 'POST', '/api/clients', json, '{"count":2}')).status, 201);
    assert.equal((await send(port, 'GET', '/api/servers', { host: `[::1]:${port}` })).status, 200);
    // Published from a container on another port: the name decides, and the page's origin is the address it used.
    assert.equal((await send(port, 'POST', '/api/servers', { host: 'localhost:17080', origin: 'http://localhost:17080' })).status, 201);
    assert.equal((await send(port, 'GET', '/api/servers', { origin: 'http://evil.example' })).status, 200, 'a read answers (no CORS header: the page cannot read it)');
    assert.deepEqual(calls, ['servers.start', 'servers.start', 'addSubscribers 2 fleet', 'servers.start']);
  });
});

describe('with a token', () => {
  let api: FastifyInstance;
  let calls: string[];
  let port: number;
  before(async () => ({ api, calls, port } = await startApi({ token: TOKEN, allowedHosts: ['fleet'] })));
  after(() => api.close());

  test('/api needs Authorization: Bearer TOKEN: none or a wrong one is 401 and reaches no route', async () => {
    const none = await send(port, 'POST', '/api/servers');
    assert.equal(none.status, 401);
    assert.equal(none.json.error, 'unauthorized');
    assert.match(String(none.headers['www-authenticate']), /^Bearer/);
    assert.equal((await send(port, 'GET', '/api/clients', { authorization: 'Bearer wrong-token-0123456789' })).status, 401);
    assert.equal((await send(port, 'GET', '/api/clients', { authorization: `Basic ${TOKEN}` })).status, 401);
    // The router decodes %61 to "a": the token is decided on the route reached, not on the URL.
    for (const path of ['/%61pi/clients', '/api/%63lients']) assert.equal((await send(port, 'GET', path)).status, 401, path);
    for (const path of ['/api/clients/', '/api//clients']) assert.equal((await send(port, 'GET', path)).status, 404, path);
    assert.deepEqual(calls, []);
    assert.equal((await send(port, 'POST', '/api/servers', { authorization: `Bearer ${TOKEN}` })).status, 201);
    assert.deepEqual(calls, ['servers.start']);
  });

  test('scrapers and readers of the docs need no token: /metrics, /healthz, /api/prometheus-targets, /api/openapi.json', async () => {
    for (const path of ['/metrics', '/healthz', '/api/prometheus-targets', '/api/openapi.json']) {
      assert.equal((await send(port, 'GET', path, { host: `fleet:${port}` })).status, 200, path);
    }
    const openapi = await send(port, 'GET', '/api/openapi.json');
    assert.deepEqual(openapi.json.components.securitySchemes, { bearer: { type: 'http', scheme: 'bearer' } });
  });

  test('the token does not let a rebinding Host or a foreign Origin through', async () => {
    const auth = { authorization: `Bearer ${TOKEN}` };
    assert.equal((await send(port, 'GET', '/api/servers', { ...auth, host: `rebind.evil.example:${port}` })).status, 403);
    assert.equal((await send(port, 'POST', '/api/servers', { ...auth, origin: 'http://evil.example' })).status, 403);
  });
});

describe('the fleet command', () => {
  test('--api-host beyond loopback without a token: exit 2, one line, nothing started', async () => {
    const result = await runCli(['fleet', '--servers', '1', '--clients', '0', '--api-host', '0.0.0.0', '--api-port', '0', '--base-port', '0'], { boundMs: 30_000, env: { STREAMLAB_API_TOKEN: '' } });
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr.trim(), /^error: --api-host 0\.0\.0\.0 is beyond loopback: the control API starts and kills processes, so give it a token \(--api-token or STREAMLAB_API_TOKEN, at least 16/);
    assert.doesNotMatch(result.stderr, /starting/);
  });

  test('a token that breaks the rule is refused without being echoed: flag and variable', async () => {
    const flag = await runCli(['fleet', '--api-token', 'short secret'], { boundMs: 30_000 });
    assert.equal(flag.code, 2);
    assert.equal(flag.stderr.trim(), 'error: --api-token is not allowed: use at least 16 of the characters A-Z a-z 0-9 - . _ ~ + / (e.g. `openssl rand -hex 16`)');
    const variable = await runCli(['fleet', '--help'], { boundMs: 30_000, env: { STREAMLAB_API_TOKEN: 'short' } });
    assert.equal(variable.code, 2);
    assert.equal(variable.stderr.trim(), 'error: STREAMLAB_API_TOKEN is not allowed: use at least 16 of the characters A-Z a-z 0-9 - . _ ~ + / (e.g. `openssl rand -hex 16`)');
  });
});
