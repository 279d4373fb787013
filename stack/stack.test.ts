/**
 * The compose stack, proved natively (`npm run test:stack`): Jaeger, the collector,
 * Prometheus and Toxiproxy run from native builds with the very config files compose
 * mounts; server and driver run as compose runs them (the driver's loop includes the
 * delivery scenario ack-retry). Then we assert what a user of `docker compose up` would see.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as delay } from 'node:timers/promises';
import { CORE_SCENARIOS } from '../src/scenarios/catalogue.ts';
import { dashboardQueries, runnableExpr } from '../grafana/queries.ts';
import { DELIVERY_SCENARIO } from '../grafana/dashboards-src/refs.ts';
import { PORTS, appOtelEnv, collectorEnv, nativePrometheusConfig, startService, stopServices } from './native-stack.ts';
import type { Service } from './native-stack.ts';
import { findTraces } from './jaeger-api.ts';
import type { SpanSummary } from './jaeger-api.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(process.env.STREAMLAB_TOOLS_DIR ?? join(process.env.HOME ?? '/root', '.cache/streamlab-tools'), 'bin');
/** How many driver rounds to wait for before asserting. */
const ROUNDS = Number(process.env.STACK_ROUNDS ?? 3);
/**
 * How long each test waits for its data to reach Jaeger or Prometheus once the driver has
 * finished its rounds: batched span export (5 s), the collector's batch, 5 s scrapes and rule
 * evaluations take seconds; a minute is the bound, not the expected wait.
 */
const DATA_WAIT_MS = 60_000;
const logDir = mkdtempSync(join(tmpdir(), 'streamlab-stack-'));
const services: Service[] = [];
const startedAt = new Date();
const node = process.execPath;
const app = ['--import', './src/instrumentation.ts', 'src/main.ts'];

async function prometheus(path: string, params: Record<string, string>): Promise<{ status: string; data: { result?: unknown[]; groups?: Array<{ rules: Array<{ name: string; type: string }> }> } }> {
  const response = await fetch(`http://127.0.0.1:${PORTS.prometheus}${path}?${new URLSearchParams(params)}`);
  return response.json() as never;
}

/** The sum of the samples of `metric` with label scenario="`scenario`" on a /metrics page. */
async function scraped(metricsPort: number, metric: string, scenario: string): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
  const lines = text.split('\n').filter((line) => line.startsWith(`${metric}{`) && line.includes(`scenario="${scenario}"`));
  return lines.reduce((sum, line) => sum + Number(line.split(' ')[1]), 0);
}

async function scenarioRuns(): Promise<number> {
  const counts = await Promise.all(CORE_SCENARIOS.map((scenario) => scraped(PORTS.driverMetrics, 'streamlab_scenario_runs_total', scenario.name)));
  return Math.min(...counts);
}

/**
 * The delivery scenario of the driver's loop (bidi Delivery/Exchange, ~3-5 s a run): its runs
 * on the driver (the dashboard's run marks) and the messages the server saw ACKed in it (the
 * delivery row's series), whichever is fewer.
 */
async function deliveryProgress(): Promise<number> {
  const runs = await scraped(PORTS.driverMetrics, 'streamlab_scenario_runs_total', DELIVERY_SCENARIO);
  const acked = await scraped(PORTS.serverMetrics, 'streamlab_delivery_acked_total', DELIVERY_SCENARIO);
  return Math.min(runs, acked);
}

/**
 * Polls `missing` every second until it reports nothing missing or `deadline` passes.
 * @param missing what the system under test does not show yet (empty: all there)
 * @param deadline epoch ms after which it gives up
 * @returns what was still missing at the last poll: empty when everything arrived in time
 */
async function pollForMissing(missing: () => Promise<string[]>, deadline: number): Promise<string[]> {
  for (;;) {
    const left = await missing();
    if (left.length === 0 || Date.now() > deadline) return left;
    await delay(1_000);
  }
}

/**
 * Polls `done` every second until it holds.
 * @param deadline epoch ms after which it gives up
 * @throws Error with `failure` once the deadline has passed
 */
async function pollUntil(done: () => Promise<boolean>, deadline: number, failure: string): Promise<void> {
  const left = await pollForMissing(async () => (await done()) ? [] : [failure], deadline);
  if (left.length > 0) throw new Error(failure);
}

/** The driver's traces in Jaeger since the test started, by trace id. */
async function driverTraces(): Promise<Map<string, SpanSummary[]>> {
  return findTraces(`http://127.0.0.1:${PORTS.jaegerQuery}`, 'streamlab-driver', startedAt, new Date());
}

/** The traces of runs of `scenario`: those holding its root span `scenario <name>`. */
function runsOf(traces: Map<string, SpanSummary[]>, scenario: string): SpanSummary[][] {
  return [...traces.values()].filter((spans) => spans.some((s) => s.name === `scenario ${scenario}`));
}

/** Runs whose CLIENT and SERVER spans have both reached Jaeger. */
function completeRuns(runs: SpanSummary[][]): SpanSummary[][] {
  return runs.filter((spans) => spans.some((s) => s.kind === 'SERVER') && spans.some((s) => s.kind === 'CLIENT'));
}

before(async () => {
  process.stderr.write(`stack: logs in ${logDir}\n`);
  const start = async (spec: Parameters<typeof startService>[0]) => services.push(await startService(spec, logDir));
  await start({ name: 'jaeger', command: join(BIN, 'jaeger'), args: [], readyUrl: `http://127.0.0.1:${PORTS.jaegerHealth}/status` });
  await start({
    name: 'otel-collector', command: join(BIN, 'otelcol-streamlab'), args: ['--config', join(ROOT, 'otel/collector.yaml')],
    env: collectorEnv(), readyUrl: `http://127.0.0.1:${PORTS.collectorHealth}/`,
  });
  const promConfig = nativePrometheusConfig(ROOT, join(logDir, 'prometheus'));
  await start({
    name: 'prometheus', command: join(BIN, 'prometheus'),
    args: [`--config.file=${promConfig}`, `--storage.tsdb.path=${join(logDir, 'prometheus/data')}`, `--web.listen-address=127.0.0.1:${PORTS.prometheus}`, '--enable-feature=exemplar-storage'],
    readyUrl: `http://127.0.0.1:${PORTS.prometheus}/-/ready`,
  });
  await start({ name: 'toxiproxy', command: join(BIN, 'toxiproxy-server'), args: ['-host', '127.0.0.1', '-port', String(PORTS.toxiproxyApi)], readyUrl: `http://127.0.0.1:${PORTS.toxiproxyApi}/version` });
  await start({
    name: 'server', command: node, cwd: ROOT, env: appOtelEnv('streamlab-server'),
    args: [...app, 'serve', '--host', '127.0.0.1', '--port', String(PORTS.server), '--metrics-port', String(PORTS.serverMetrics)],
    readyUrl: `http://127.0.0.1:${PORTS.serverMetrics}/healthz`,
  });
  await start({
    name: 'driver', command: node, cwd: ROOT, env: appOtelEnv('streamlab-driver'),
    args: [...app, 'drive', '--upstream', `127.0.0.1:${PORTS.server}`, '--target', `127.0.0.1:${PORTS.toxiproxyListen}`,
      '--toxiproxy-url', `http://127.0.0.1:${PORTS.toxiproxyApi}`, '--every-s', '5', '--host', '127.0.0.1', '--metrics-port', String(PORTS.driverMetrics)],
    readyUrl: `http://127.0.0.1:${PORTS.driverMetrics}/healthz`,
  });
  // External systems on their own clocks (5 s scrapes, batched span export): poll for the
  // condition with a deadline, never a fixed sleep. Each test then polls Jaeger or Prometheus
  // for its own data the same way (DATA_WAIT_MS).
  const deadline = Date.now() + 180_000;
  await pollUntil(async () => (await scenarioRuns()) >= ROUNDS, deadline,
    `the driver did not finish ${ROUNDS} rounds in 180 s; see ${logDir}/driver.log`);
  // ack-retry runs in the same rounds; wait for a finished run and ACKed messages anyway,
  // so a failure says which part is missing rather than "queries without data".
  await pollUntil(async () => (await deliveryProgress()) >= 1, deadline,
    `no finished ${DELIVERY_SCENARIO} run (driver streamlab_scenario_runs_total) with ACKed messages (server streamlab_delivery_acked_total) in 180 s; see ${logDir}/driver.log and server.log`);
});

after(async () => {
  await stopServices(services);
});

test('Jaeger /api/v3 has, for each core scenario, a trace with client and server spans ending as expected', async () => {
  let traces = new Map<string, SpanSummary[]>();
  const missing = await pollForMissing(async () => {
    traces = await driverTraces();
    return CORE_SCENARIOS.flatMap((scenario) => {
      const runs = runsOf(traces, scenario.name);
      return [
        ...(runs.length >= ROUNDS - 1 ? [] : [`${scenario.name}: ${runs.length} traces in Jaeger, want ${ROUNDS - 1}`]),
        ...(completeRuns(runs).length > 0 ? [] : [`${scenario.name}: no trace with both CLIENT and SERVER spans`]),
      ];
    });
  }, Date.now() + DATA_WAIT_MS);
  assert.deepEqual(missing, [], `in Jaeger after ${DATA_WAIT_MS / 1000} s`);
  for (const scenario of CORE_SCENARIOS) {
    for (const spans of completeRuns(runsOf(traces, scenario.name))) {
      const root = spans.find((s) => s.name === `scenario ${scenario.name}`) as SpanSummary;
      const client = spans.find((s) => s.kind === 'CLIENT') as SpanSummary;
      const server = spans.find((s) => s.kind === 'SERVER') as SpanSummary;
      assert.equal(client.service, 'streamlab-driver');
      assert.equal(server.service, 'streamlab-server');
      assert.equal(client.attributes['streamlab.end_cause'], root.attributes['streamlab.expected.client_end_cause'], `${scenario.name} client`);
      assert.equal(server.attributes['streamlab.end_cause'], root.attributes['streamlab.expected.server_end_cause'], `${scenario.name} server`);
      assert.equal(server.attributes['streamlab.scenario'], scenario.name, 'baggage reached the server');
      assert.equal(root.attributes['streamlab.fault_backend'], 'toxiproxy');
    }
  }
});

test(`Jaeger has a ${DELIVERY_SCENARIO} trace: driver and server spans of Delivery/Exchange, with the server's delivery accounting`, async () => {
  let servers: SpanSummary[] = [];
  const missing = await pollForMissing(async () => {
    const runs = runsOf(await driverTraces(), DELIVERY_SCENARIO);
    servers = runs.flatMap((spans) => spans.filter((s) => s.kind === 'SERVER' && s.service === 'streamlab-server'));
    // The links and runbooks of the delivery row send readers to these spans.
    const sent = servers.map((s) => `${s.name} streamlab.delivery.sent=${String(s.attributes['streamlab.delivery.sent'])}`);
    return [
      ...(runs.length > 0 ? [] : [`${DELIVERY_SCENARIO}: no trace in Jaeger`]),
      ...(runs.some((spans) => spans.some((s) => s.kind === 'CLIENT' && s.service === 'streamlab-driver')) ? [] : [`${DELIVERY_SCENARIO}: no CLIENT span of the driver`]),
      ...(servers.length > 0 ? [] : [`${DELIVERY_SCENARIO}: no SERVER span of the server in the same trace`]),
      ...(servers.some((s) => Number(s.attributes['streamlab.delivery.sent']) > 0) ? [] : [`no server span that sent delivery messages: ${sent.join(', ')}`]),
    ];
  }, Date.now() + DATA_WAIT_MS);
  assert.deepEqual(missing, [], `in Jaeger after ${DATA_WAIT_MS / 1000} s`);
  for (const server of servers) assert.equal(server.attributes['streamlab.scenario'], DELIVERY_SCENARIO, `${server.name}: baggage reached the server`);
});

test('Jaeger shows the process scenarios: the driver\'s own child server\'s spans in the run\'s trace', async () => {
  // server-stop: the child survives long enough to flush, so its SERVER span joins the
  // driver's trace; server-kill: the killed child leaves only the driver's side.
  const missing = await pollForMissing(async () => {
    const traces = await driverTraces();
    const stop = runsOf(traces, 'server-stop');
    const kill = runsOf(traces, 'server-kill');
    const childServer = (spans: SpanSummary[]) => spans.find((s) => s.kind === 'SERVER' && s.service === 'streamlab-server-process');
    return [
      ...(stop.some((spans) => childServer(spans)?.attributes['streamlab.end_cause'] === 'server_shutdown') ? [] : ['server-stop: no server_shutdown SERVER span of streamlab-server-process']),
      ...(stop.some((spans) => spans.some((s) => s.kind === 'CLIENT' && s.attributes['streamlab.end_cause'] === 'server_shutdown')) ? [] : ['server-stop: no server_shutdown CLIENT span']),
      ...(kill.length > 0 ? [] : ['server-kill: no trace']),
      ...(kill.every((spans) => childServer(spans) === undefined) ? [] : ['server-kill: a killed child cannot have exported a SERVER span']),
    ];
  }, Date.now() + DATA_WAIT_MS);
  assert.deepEqual(missing, [], `in Jaeger after ${DATA_WAIT_MS / 1000} s`);
});

test('every PromQL query of every committed dashboard returns data', async () => {
  const queries = dashboardQueries();
  assert.ok(queries.length > 10, `${queries.length} queries`);
  // The queries that have no data yet; each poll asks only those again.
  let pending = queries.map(({ dashboard, panel, expr }) => ({ where: `${dashboard} / ${panel}`, promql: runnableExpr(expr) }));
  const empty = await pollForMissing(async () => {
    const still: typeof pending = [];
    for (const query of pending) {
      const result = await prometheus('/api/v1/query', { query: query.promql });
      assert.equal(result.status, 'success', `${query.where}: ${query.promql}`);
      if ((result.data.result ?? []).length === 0) still.push(query);
    }
    pending = still;
    return pending.map((query) => `${query.where}: ${query.promql}`);
  }, Date.now() + DATA_WAIT_MS);
  assert.deepEqual(empty, [], `queries without data after ${DATA_WAIT_MS / 1000} s`);
});

test('Prometheus loaded the alert and recording rules, and promtool test rules passes', async () => {
  // Every alert of the rules file, so a new alert is checked without editing this list.
  const alerts = [...readFileSync(join(ROOT, 'prometheus/rules/streamlab.rules.yml'), 'utf8').matchAll(/^\s*- alert: (\w+)$/gm)].map((m) => m[1] as string);
  assert.ok(alerts.includes('StreamConnectFailures') && alerts.length >= 12, `alerts in the rules file: ${alerts.join(', ')}`);
  let loaded: Array<{ name: string; type: string }> = [];
  const missing = await pollForMissing(async () => {
    loaded = ((await prometheus('/api/v1/rules', {})).data.groups ?? []).flatMap((group) => group.rules);
    return alerts.filter((alert) => !loaded.some((rule) => rule.type === 'alerting' && rule.name === alert));
  }, Date.now() + DATA_WAIT_MS);
  assert.deepEqual(missing, [], 'alerts not loaded by Prometheus');
  assert.ok(loaded.some((rule) => rule.type === 'recording'), 'recording rules loaded');
  execFileSync(join(BIN, 'promtool'), ['test', 'rules', 'prometheus/tests/streamlab.rules.test.yml'], { cwd: ROOT, stdio: 'pipe' });
  execFileSync(join(BIN, 'promtool'), ['check', 'config', join(logDir, 'prometheus/prometheus.yml')], { cwd: ROOT, stdio: 'pipe' });
});

test('the built collector validates otel/collector.yaml', () => {
  execFileSync(join(BIN, 'otelcol-streamlab'), ['validate', '--config', join(ROOT, 'otel/collector.yaml')], { env: { ...process.env, ...collectorEnv() }, stdio: 'pipe' });
});

test('docker-compose.yml validates', () => {
  execFileSync(join(BIN, 'docker-compose'), ['-f', join(ROOT, 'docker-compose.yml'), 'config', '-q'], { cwd: ROOT, stdio: 'pipe' });
});
