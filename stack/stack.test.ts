/**
 * The compose stack, proved natively (`npm run test:stack`): Jaeger, the collector,
 * Prometheus and Toxiproxy run from native builds with the very config files compose
 * mounts; server and driver run as compose runs them (the driver's loop includes the
 * delivery scenario ack-retry), and so does the fleet of the compose profile `fleet` (its
 * command read from docker-compose.yml, hosts and ports made native). Then we assert what a
 * user of `docker compose --profile fleet up` would see. Last, the profile `bus` (issue 18):
 * a native nats-server, three `serve --bus` and the fleet controller against them.
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
import { PORTS, appOtelEnv, collectorEnv, nativeFleet, nativePrometheusConfig, startService, stopServices } from './native-stack.ts';
import type { Service } from './native-stack.ts';
import { findTraces } from './jaeger-api.ts';
import type { SpanSummary } from './jaeger-api.ts';
import { fleetClient, summarise } from './fleet-client.ts';
import { BUS_PORTS, nativeBus } from './native-bus.ts';
import type { FleetClient, FleetServer } from './fleet-client.ts';

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
/** The compose service `fleet`, natively. */
const FLEET = nativeFleet(ROOT);
const fleet = fleetClient(`http://127.0.0.1:${PORTS.fleetApi}`);
const fleetOption = (flag: string): number => Number(FLEET.args[FLEET.args.indexOf(flag) + 1]);
/** Subscribers and servers the compose command starts (30 and 3). */
const FLEET_CLIENTS = fleetOption('--clients');
const FLEET_SERVERS = fleetOption('--servers');
/** Bound for the fleet to show a change through its API; a resume waits the first backoff delay, 1 s ±20 %. */
const FLEET_WAIT_MS = 30_000;

async function prometheus(path: string, params: Record<string, string>): Promise<{ status: string; data: { result?: unknown[]; groups?: Array<{ rules: Array<{ name: string; type: string }> }> } }> {
  const response = await fetch(`http://127.0.0.1:${PORTS.prometheus}${path}?${new URLSearchParams(params)}`);
  return response.json() as never;
}

/** An instant query's vector: each series' labels and value. */
async function instant(query: string): Promise<Array<{ metric: Record<string, string>; value: number }>> {
  const result = (await prometheus('/api/v1/query', { query })).data.result as Array<{ metric: Record<string, string>; value: [number, string] }> | undefined;
  return (result ?? []).map((series) => ({ metric: series.metric, value: Number(series.value[1]) }));
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
  // /healthz answers once its servers run and its subscribers have started.
  await start({ name: 'fleet', command: node, cwd: ROOT, env: FLEET.env, args: FLEET.args, readyUrl: `http://127.0.0.1:${PORTS.fleetApi}/healthz` });
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

/** The server the kill test killed. */
let killed: FleetServer | undefined;
/** A subscriber that resumed after the kill. */
let resumed: FleetClient | undefined;

/** What Prometheus does not show yet of the fleet's scrapes: up 1 for the controller, and for exactly the servers http_sd lists now. */
async function serversScraped(): Promise<string[]> {
  const targets = (await fleet.prometheusTargets()).flatMap((group) => group.targets).sort();
  const up = await instant('up{job="fleet-servers"}');
  const upInstances = up.filter((series) => series.value === 1).map((series) => series.metric.instance ?? '').sort();
  const controller = await instant('up{job="fleet"} == 1');
  return [
    ...(controller.length === 1 ? [] : ['up{job="fleet"} is not 1: Prometheus does not scrape the fleet controller']),
    ...(JSON.stringify(upInstances) === JSON.stringify(targets) && up.length === targets.length ? [] : [`up{job="fleet-servers"}: ${up.map((s) => `${s.metric.instance}=${s.value}`).join(', ') || 'none'}; http_sd targets: ${targets.join(', ')}`]),
  ];
}

test(`fleet (compose profile fleet): ${FLEET_CLIENTS} subscribers stream over ${FLEET_SERVERS} backends, and Prometheus scrapes the controller and the servers it finds through http_sd`, async () => {
  const servers = await fleet.servers();
  assert.deepEqual(servers.map((server) => server.state), Array(FLEET_SERVERS).fill('running'), 'GET /api/servers');
  let clients = await fleet.clients();
  await pollUntil(async () => {
    clients = await fleet.clients();
    const summary = summarise(clients);
    return summary.streaming === FLEET_CLIENTS && summary.perBackend.size === FLEET_SERVERS;
  }, Date.now() + FLEET_WAIT_MS, `GET /api/clients: not ${FLEET_CLIENTS} streaming over ${FLEET_SERVERS} backends: ${JSON.stringify([...summarise(clients).perBackend])}`);
  assert.deepEqual([...summarise(clients).perBackend.keys()].sort(), servers.map((server) => server.address).sort(), 'the backends are the servers');
  // Before the kill: the counters the dashboard rates are scraped at their value before it.
  const missing = await pollForMissing(async () => [
    ...await serversScraped(),
    ...((await instant('streamlab_fleet_subscribers')).length > 0 ? [] : ['no streamlab_fleet_subscribers series']),
  ], Date.now() + DATA_WAIT_MS);
  assert.deepEqual(missing, [], `in Prometheus after ${DATA_WAIT_MS / 1000} s`);
});

test(`fleet: after one server is killed through the API, all ${FLEET_CLIENTS} stream again on the others with 0 gaps and 0 duplicates`, async () => {
  const [victim] = await fleet.servers();
  assert.ok(victim, 'a server to kill');
  const onVictim = (await fleet.clients()).filter((client) => client.backend === victim.address).map((client) => client.id);
  assert.ok(onVictim.length > 0, `subscribers on ${victim.address}`);
  killed = await fleet.killServer(victim.id);
  assert.equal(killed.state, 'killed', `DELETE /api/servers/${victim.id}?mode=kill`);
  let clients: FleetClient[] = [];
  await pollUntil(async () => {
    clients = await fleet.clients();
    const summary = summarise(clients);
    return summary.streaming === FLEET_CLIENTS && !summary.perBackend.has(victim.address) && onVictim.every((id) => clients.find((c) => c.id === id)!.reconnects >= 1);
  }, Date.now() + FLEET_WAIT_MS, `not all ${FLEET_CLIENTS} streaming again within ${FLEET_WAIT_MS / 1000} s of the kill: ${JSON.stringify(summarise(clients))}`);
  const summary = summarise(clients);
  assert.equal(summary.perBackend.size, FLEET_SERVERS - 1, 'spread over the servers left');
  assert.equal(summary.gaps, 0, 'gaps');
  assert.equal(summary.duplicates, 0, 'duplicates');
  resumed = clients.find((client) => client.id === onVictim[0]);
  assert.match(String(resumed?.last_end_cause), /^connection_(closed|reset)$/, 'a killed server closes its sockets (FIN, or RST with unread data)');
});

test('fleet: Prometheus follows the kill: the servers left through http_sd, the reconnects, the subscribers per backend; a notify reaches every subscriber', async () => {
  const missing = await pollForMissing(async () => {
    const reconnects = await instant('sum(streamlab_fleet_reconnects_total)');
    const subscribers = await instant('sum(streamlab_fleet_subscribers{backend!="none"})');
    const killedBackend = await instant(`streamlab_fleet_subscribers{backend="${killed?.address}"}`);
    return [
      ...await serversScraped(),
      ...((reconnects[0]?.value ?? 0) > 0 ? [] : ['streamlab_fleet_reconnects_total is not > 0']),
      ...(subscribers[0]?.value === FLEET_CLIENTS ? [] : [`sum(streamlab_fleet_subscribers{backend!="none"}) = ${subscribers[0]?.value}, want ${FLEET_CLIENTS}`]),
      ...(killedBackend[0]?.value === 0 ? [] : [`streamlab_fleet_subscribers of the killed ${killed?.address} = ${killedBackend[0]?.value}, want 0`]),
    ];
  }, Date.now() + DATA_WAIT_MS);
  assert.deepEqual(missing, [], `in Prometheus after ${DATA_WAIT_MS / 1000} s`);
  assert.equal((await fleet.prometheusTargets()).length, FLEET_SERVERS - 1, 'http_sd lists the servers left');
  // Feeds the dashboard's fan-out panel (no Notify, no fan-out), after Prometheus has
  // scraped its histogram at 0 so the rate sees the observation.
  const { topic } = (await fleet.clients())[0] as FleetClient;
  assert.deepEqual(await fleet.notify(topic, 'stack test'), { delivered: FLEET_CLIENTS }, 'POST /api/notify');
});

/**
 * The dashboard whose every query must also have a number (not NaN), and why it can: the
 * fleet tests above killed a server (reconnects, time to resume, stream ends) and sent a
 * Notify (fan-out) while Prometheus scraped, so each quantile has observations in its window.
 */
const FLEET_DASHBOARD = 'fleet.json';

test('every PromQL query of every committed dashboard returns data (the Fleet dashboard\'s, a number)', async () => {
  const queries = dashboardQueries();
  assert.ok(queries.length > 10, `${queries.length} queries`);
  assert.ok(queries.filter((query) => query.dashboard === FLEET_DASHBOARD).length >= 5, `queries of ${FLEET_DASHBOARD}`);
  // The queries that have no data yet; each poll asks only those again.
  let pending = queries.map(({ dashboard, panel, expr }) => ({ where: `${dashboard} / ${panel}`, promql: runnableExpr(expr), finite: dashboard === FLEET_DASHBOARD }));
  const empty = await pollForMissing(async () => {
    const still: typeof pending = [];
    for (const query of pending) {
      const result = await prometheus('/api/v1/query', { query: query.promql });
      assert.equal(result.status, 'success', `${query.where}: ${query.promql}`);
      const series = (result.data.result ?? []) as Array<{ value: [number, string] }>;
      if (series.length === 0 || (query.finite && !series.some((one) => Number.isFinite(Number(one.value[1]))))) still.push(query);
    }
    pending = still;
    return pending.map((query) => `${query.where}: ${query.promql}`);
  }, Date.now() + DATA_WAIT_MS);
  assert.deepEqual(empty, [], `queries without data after ${DATA_WAIT_MS / 1000} s`);
});

test('Jaeger has the fleet\'s Subscribe attempts: the resumed one\'s CLIENT span links to the one the kill ended', async () => {
  // A long-lived attempt's span ends with its stream: stop the resumed subscriber so its
  // current attempt (opened after the kill) ends and is exported.
  assert.ok(resumed, 'a subscriber that resumed after the kill (the kill test ran)');
  await fleet.stopClient(resumed.id);
  let attempts: SpanSummary[] = [];
  let traces = new Map<string, SpanSummary[]>();
  const missing = await pollForMissing(async () => {
    traces = await findTraces(`http://127.0.0.1:${PORTS.jaegerQuery}`, FLEET.serviceName, startedAt, new Date());
    attempts = [...traces.values()].flat().filter((s) => s.kind === 'CLIENT' && s.service === FLEET.serviceName && s.attributes['streamlab.subscriber.id'] === resumed?.id);
    const linked = attempts.filter((s) => s.attributes['streamlab.end_cause'] === 'client_cancelled' && s.links.some((link) => attempts.some((a) => a.spanId === link.spanId)));
    return [
      ...(attempts.some((s) => s.attributes['rpc.method'] === 'Subscribe') ? [] : [`no Subscribe CLIENT span of ${resumed?.id} (service ${FLEET.serviceName})`]),
      ...(attempts.some((s) => s.attributes['streamlab.end_cause'] === resumed?.last_end_cause) ? [] : [`no attempt of ${resumed?.id} ended ${resumed?.last_end_cause} (the kill)`]),
      ...(linked.length > 0 ? [] : [`no client_cancelled attempt of ${resumed?.id} linked to an earlier one: ${attempts.map((a) => `${a.spanId} ${String(a.attributes['streamlab.end_cause'])} links ${a.links.map((l) => l.spanId).join('+') || '-'}`).join('; ')}`]),
    ];
  }, Date.now() + DATA_WAIT_MS);
  assert.deepEqual(missing, [], `in Jaeger after ${DATA_WAIT_MS / 1000} s`);
  const last = attempts.find((s) => s.attributes['streamlab.end_cause'] === 'client_cancelled') as SpanSummary;
  const previous = attempts.find((s) => last.links.some((link) => link.spanId === s.spanId)) as SpanSummary;
  assert.equal(previous.attributes['streamlab.end_cause'], resumed.last_end_cause, 'the link goes to the attempt the kill ended');
  assert.ok(Number(last.attributes['streamlab.resume.after_id']) > 0, 'the resumed attempt asked for the events after the last one received');
  // The servers' spans reach Jaeger through the fleet (their own service name), in the attempt's trace.
  assert.ok((traces.get(last.traceId) ?? []).some((s) => s.kind === 'SERVER' && s.service === 'streamlab-server-process'), 'the server side of the resumed attempt, exported by the fleet');
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

/**
 * The compose profile `bus`, natively. Started by its first test, after the fleet's tests:
 * its controller's subscribers would add to the sums those assert on.
 */
const BUS = nativeBus(ROOT, logDir, appOtelEnv);
const busFleet = fleetClient(`http://127.0.0.1:${BUS_PORTS.fleetBusApi}`);
const busFleetArgs = BUS.find((spec) => spec.name === 'fleet-bus')!.args;
const BUS_CLIENTS = Number(busFleetArgs[busFleetArgs.indexOf('--clients') + 1]);
const busAddresses = BUS_PORTS.servers.map((port) => `127.0.0.1:${port}`);

/** Starts one process of the profile (again, for nats). */
async function startBusService(name: string): Promise<Service> {
  const spec = BUS.find((candidate) => candidate.name === name)!;
  const service = await startService({ name, command: name === 'nats' ? join(BIN, 'nats-server') : node, cwd: ROOT, args: spec.args, env: spec.env, readyUrl: spec.readyUrl }, logDir);
  services.push(service);
  return service;
}

test(`bus (compose profile bus): ${BUS_CLIENTS} subscribers of fleet-bus stream over the three serve --bus it did not start, listed as external; a Notify reaches every one`, async () => {
  for (const spec of BUS) await startBusService(spec.name);
  const servers = await busFleet.externalServers();
  assert.deepEqual(servers.map((server) => [server.state, server.pid]), busAddresses.map(() => ['external', null]), 'GET /api/servers');
  assert.deepEqual(servers.map((server) => server.address).sort(), [...busAddresses].sort());
  let clients: FleetClient[] = [];
  await pollUntil(async () => {
    clients = await busFleet.clients();
    const summary = summarise(clients);
    return summary.streaming === BUS_CLIENTS && summary.perBackend.size === busAddresses.length;
  }, Date.now() + FLEET_WAIT_MS, `fleet-bus: not ${BUS_CLIENTS} streaming over ${busAddresses.length} backends: ${JSON.stringify([...summarise(clients).perBackend])}`);
  assert.deepEqual(await busFleet.notify(clients[0]!.topic, 'over the bus'), { delivered: BUS_CLIENTS }, 'the census counts the subscribers of every server');
});

test('bus: a bus server killed, then the bus itself killed and restarted: every subscriber streams again with 0 gaps and 0 duplicates, and Prometheus sees the bus', async () => {
  const victim = services.find((service) => service.name === 'bus-server-1')!;
  const victimAddress = busAddresses[0]!;
  victim.child.kill('SIGKILL');
  let clients: FleetClient[] = [];
  await pollUntil(async () => {
    clients = await busFleet.clients();
    const summary = summarise(clients);
    return summary.streaming === BUS_CLIENTS && !summary.perBackend.has(victimAddress);
  }, Date.now() + FLEET_WAIT_MS, `fleet-bus: not all streaming on the servers left: ${JSON.stringify(summarise(clients))}`);
  const nats = services.find((service) => service.name === 'nats')!;
  const before = Math.max(...clients.map((client) => client.last_event_id));
  nats.child.kill('SIGKILL');
  await new Promise((resolve) => nats.child.once('exit', resolve));
  await startBusService('nats');
  await pollUntil(async () => {
    clients = await busFleet.clients();
    return clients.every((client) => client.state === 'streaming' && client.last_event_id > before + 3);
  }, Date.now() + FLEET_WAIT_MS, `fleet-bus: not every subscriber past event ${before + 3} after the bus restart: ${JSON.stringify(clients.slice(0, 3))}`);
  const summary = summarise(clients);
  assert.equal(summary.gaps, 0, 'gaps');
  assert.equal(summary.duplicates, 0, 'duplicates');
  const missing = await pollForMissing(async () => {
    const connected = await instant('streamlab_bus_connected{job="bus"} == 1');
    const disconnects = await instant('sum(streamlab_bus_disconnects_total{job="bus"})');
    return [
      ...(connected.length === 3 ? [] : [`streamlab_bus_connected{job="bus"} == 1 on ${connected.map((s) => s.metric.instance).join(', ') || 'none'}, want the 2 servers left and fleet-bus`]),
      ...((disconnects[0]?.value ?? 0) >= 3 ? [] : [`sum(streamlab_bus_disconnects_total{job="bus"}) = ${disconnects[0]?.value}, want ≥ 3 (each process lost the bus once)`]),
    ];
  }, Date.now() + DATA_WAIT_MS);
  assert.deepEqual(missing, [], `in Prometheus after ${DATA_WAIT_MS / 1000} s`);
});
