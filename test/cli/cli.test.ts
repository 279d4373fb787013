/**
 * The CLI as a user meets it: real processes, exit codes, one-line errors, --help on every
 * command, the --json document, and serve's SIGTERM drain.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { childrenOf, pollProcesses, running, stateOf } from '../helpers/processes.ts';
import { startCli } from '../helpers/cli.ts';
import { createStreamlabClient as createTickerClient } from '../../src/client/streamlab-client.ts';
import { createTelemetryDeps } from '../../src/telemetry/create-telemetry-deps.ts';

/** Runs `streamlab ...args` as the user does; stdin is a pipe nobody writes to. */
const cli = (args: string[], env: Record<string, string> = {}) => startCli(args, { env, stdin: 'pipe' });

const USAGE_ERRORS: Array<{ args: string[]; env?: Record<string, string>; message: RegExp }> = [
  { args: ['run', 'nosuch'], message: /unknown scenario "nosuch": allowed are completion, cancel, disconnect, blackhole/ },
  { args: ['serve', '--port', 'abc'], message: /--port <port>.*expected an integer from 0 to 65535, got "abc"/ },
  { args: ['serve', '--port', '70000'], message: /expected an integer from 0 to 65535, got "70000"/ },
  { args: ['serve', '--keepalive-time-ms', '0'], message: /expected an integer from 1 to 86400000, got "0"/ },
  { args: ['client', '--mode', 'simple'], message: /required option '--target <host:port>' not specified/ },
  { args: ['client', '--target', 'localhost'], message: /host:port/ },
  { args: ['client', '--target', 'localhost:1', '--mode', 'loud'], message: /--mode.*Allowed choices are simple, cancel/ },
  { args: ['client', '--target', 'localhost:1', '--after-messages', '2', '--delay', '1'], message: /cannot be used with option '--delay/ },
  { args: ['run', '--interval-ms', '-5'], message: /expected an integer from 0 to 60000, got "-5"/ },
  { args: ['run', '--rpc', 'stream'], message: /--rpc "stream" is not allowed: use one of unary, client_stream, server_stream, bidi_stream, all/ },
  { args: ['client', '--target', 'localhost:1', '--mode', 'ack', '--drop-rate', '-0.1'], message: /expected a number from 0 to 1, got "-0.1"/ },
  { args: ['client', '--target', 'localhost:1', '--mode', 'ack', '--drop-rate', 'NaN'], message: /expected a number from 0 to 1, got "NaN"/ },
  { args: ['frobnicate'], message: /unknown command 'frobnicate'/ },
  { args: ['run', '--all', 'cancel'], message: /--all runs the whole catalogue: drop the names \(cancel\) or --all/ },
  { args: ['run', 'server-kill', '--count', '1'], message: /--count 1 is too small for "server-kill": it acts after 1 message\(s\), so use at least 2/ },
  { args: ['client', '--target', 'localhost:1', '--deadline-ms', '0'], message: /--deadline-ms <ms>.*expected an integer from 1 to 86400000, got "0"/ },
  { args: ['run', 'completion'], env: { STREAMLAB_LOG_FORMAT: 'xml' }, message: /STREAMLAB_LOG_FORMAT="xml" is not allowed: use one of json, pretty/ },
  { args: ['fleet', '--servers', '3', '--slots', '2'], message: /--slots 2 is less than --servers 3: every server needs a slot/ },
  { args: ['fleet', '--backoff-jitter', '2'], message: /2 is not a number from 0 to 1/ },
  { args: ['fleet', '--topic', ''], message: /"" has 0 characters: allowed 1 to 128/ },
];

for (const { args, env, message } of USAGE_ERRORS) {
  test(`usage error exits 2 with one line: streamlab ${args.join(' ')}${env ? ` (${Object.keys(env).join(',')})` : ''}`, async () => {
    const result = await cli(args, env).done;
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, message);
    assert.equal(result.stderr.trim().split('\n').filter((line) => line.startsWith('error')).length, 1, 'one error line');
    assert.equal(result.stdout, '');
  });
}

for (const command of ['', 'serve', 'client', 'proxy', 'run', 'scenarios', 'fleet']) {
  test(`--help explains ${command || 'the program'} and exits 0`, async () => {
    const result = await cli([...(command ? [command] : []), '--help']).done;
    assert.equal(result.code, 0);
    assert.match(result.stdout, /^Usage: streamlab/);
    assert.ok(result.stdout.length > 200, 'more than a usage line');
  });
}

test('run --json prints exactly one JSON document of the documented shape', async () => {
  const result = await cli(['run', 'completion', 'cancel', '--json', '--interval-ms', '10']).done;
  assert.equal(result.code, 0, result.stderr);
  const report = JSON.parse(result.stdout) as { scenarios: Array<Record<string, unknown>> };
  assert.deepEqual(Object.keys(report), ['scenarios']);
  assert.deepEqual(report.scenarios.map((s) => s.name), ['completion', 'cancel']);
  for (const scenario of report.scenarios) {
    assert.deepEqual(Object.keys(scenario), ['name', 'rpc', 'trace_id', 'ok', 'mismatches', 'client', 'server']);
    assert.equal(scenario.rpc, 'server_stream');
    for (const side of [scenario.client, scenario.server]) {
      assert.deepEqual(Object.keys(side as object), ['end_cause', 'grpc_code', 'messages', 'sent', 'received', 'detection_ms']);
    }
    assert.match(String(scenario.trace_id), /^[0-9a-f]{32}$/);
    assert.equal(scenario.ok, true);
  }
  const cancel = report.scenarios[1] as { client: { end_cause: string; grpc_code: number }; server: { end_cause: string; detection_ms: number } };
  assert.equal(cancel.client.end_cause, 'client_cancelled');
  assert.equal(cancel.client.grpc_code, 1);
  assert.equal(cancel.server.end_cause, 'client_cancelled');
  assert.equal(typeof cancel.server.detection_ms, 'number');
  assert.match(result.stderr, /\[1\/2\] completion: ok/, 'progress lines on stderr');
});

test('run prints the table with a verdict per scenario and a timeline', async () => {
  const result = await cli(['run', 'disconnect', '--interval-ms', '10']).done;
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /disconnect\s*│\s*server_stream\s*│\s*connection_reset\s*│\s*UNAVAILABLE/);
  assert.match(result.stdout, /│ ok\s*│/);
  assert.match(result.stdout, /client: open \+[\d.]+, 1 sent, 3 received .*close\(rst\)/);
  assert.match(result.stdout, /b backpressure wait, .*g GOAWAY, .*! network fault, K SIGKILL, T SIGTERM, F SIGSTOP \(freeze\), R SIGCONT \(resume\)/, 'the legend lists every marker');
});

test('scenarios lists the whole catalogue with its expectations; --json has the documented shape', async () => {
  const { CATALOGUE } = await import('../../src/scenarios/catalogue.ts');
  const table = await cli(['scenarios']).done;
  assert.equal(table.code, 0, table.stderr);
  for (const scenario of CATALOGUE) assert.match(table.stdout, new RegExp(`│ ${scenario.name}( \\*)? +│`), scenario.name);
  assert.match(table.stdout, /server-kill +│ server_stream │ SIGKILL after 1 +│ connection_closed \| connection_reset \(UNAVAILABLE\) +│ gone \(killed\)/);
  const json = await cli(['scenarios', '--json']).done;
  const { scenarios } = JSON.parse(json.stdout) as { scenarios: Array<{ name: string; core: boolean; expected: { client: string[]; server: string[]; why: string } }> };
  assert.deepEqual(scenarios.map((s) => s.name), CATALOGUE.map((s) => s.name));
  assert.deepEqual(scenarios.filter((s) => s.core).map((s) => s.name), ['completion', 'cancel', 'disconnect', 'blackhole']);
  const noServer = scenarios.find((s) => s.name === 'no-server');
  assert.deepEqual(noServer?.expected.client, ['connect_failed']);
  assert.deepEqual(noServer?.expected.server, ['none']);
  assert.ok(scenarios.every((s) => s.expected.why.length > 20), 'every scenario says why');
});

test('run --all --json runs every catalogue scenario, all ok', async () => {
  const { CATALOGUE } = await import('../../src/scenarios/catalogue.ts');
  const result = await cli(['run', '--all', '--json', '--interval-ms', '20', '--frozen-wait-ms', '1500']).done;
  assert.equal(result.code, 0, `${result.stderr}\n${result.stdout}`);
  const report = JSON.parse(result.stdout) as { scenarios: Array<{ name: string; ok: boolean; mismatches: string[]; client: { end_cause: string; connect_error?: string }; server: { end_cause: string | null; note?: string }; silent_for_ms?: number }> };
  assert.deepEqual(report.scenarios.map((s) => s.name), CATALOGUE.map((s) => s.name));
  for (const scenario of report.scenarios) assert.ok(scenario.ok, `${scenario.name}: ${scenario.mismatches.join('; ')}`);
  const byName = new Map(report.scenarios.map((s) => [s.name, s]));
  assert.equal(byName.get('no-server')?.client.connect_error, 'ECONNREFUSED');
  assert.match(byName.get('server-kill')?.server.note ?? '', /^gone: SIGKILL/);
  assert.equal(byName.get('server-kill')?.server.end_cause, null);
  assert.equal(byName.get('server-suspend-no-keepalive')?.silent_for_ms, 1500);
  // The Kubernetes labs: what their lessons say shows in their findings (issue 19).
  const findings = (name: string) => ((byName.get(name) as { findings?: string[] } | undefined)?.findings ?? []).join('\n');
  assert.match(findings('l4-pinning'), /1 TCP connection\(s\).*streams per server (srv-\d 0, )*srv-\d 9/);
  assert.match(findings('l4-pinning'), /round_robin: 3 TCP connections; streams per server srv-1 3, srv-2 3, srv-3 3/);
  assert.match(findings('new-backend-unused'), /joined the answer: A queries none; .*srv-4 0/);
  assert.match(findings('new-backend-unused'), /re-resolved at \+\d+ ms .*srv-4 [1-9]/);
  assert.match(findings('max-connection-age'), /ended server_shutdown/);
  assert.match(findings('max-connection-age'), /srv-3 [1-9]; resumed with 0 gap\(s\), 0 duplicate\(s\)/);
  assert.match(findings('lb-idle-timeout'), /connection #1 never idle; last event 2, streaming/);
  assert.match(findings('lb-idle-timeout'), /without client keepalive: connection #2 forgotten at .*last event 1, still streaming/);
  assert.equal(byName.get('lb-idle-timeout')?.server.end_cause, 'keepalive_timeout');
  assert.match(result.stderr, new RegExp(`\\[${CATALOGUE.length}/${CATALOGUE.length}\\] ${CATALOGUE.at(-1)?.name}: ok`), 'progress lines');
});

test('client with no server prints connect_failed with the OS error and exits 1', async () => {
  const result = await cli(['client', '--target', '127.0.0.1:1', '--mode', 'simple']).done;
  assert.equal(result.code, 1, result.stderr);
  assert.match(result.stdout, /^stream ended: connect_failed \[ECONNREFUSED\] \(UNAVAILABLE: No connection established/m);
});

test('client --wait-for-ready --deadline-ms waits for a server that never comes, then deadline_exceeded', async () => {
  const started = performance.now();
  const result = await cli(['client', '--target', '127.0.0.1:1', '--wait-for-ready', '--deadline-ms', '700']).done;
  assert.equal(result.code, 1);
  assert.match(result.stdout, /^stream ended: deadline_exceeded \(DEADLINE_EXCEEDED/m);
  assert.ok(performance.now() - started >= 700, 'it waited for the deadline');
});

test('Ctrl-C on a client waiting on a frozen server ends it at once with client_cancelled', async () => {
  const server = cli(['serve', '--host', '127.0.0.1', '--port', '0', '--metrics-port', '0', '--shutdown-grace-ms', '0']);
  const banner = await server.output('stderr', /gRPC on \S+:\d+/);
  const [, target] = /gRPC on (\S+:\d+)/.exec(banner) ?? [];
  const client = cli(['client', '--target', target!, '--count', '0', '--interval-ms', '20', '--keepalive-time-ms', '0']);
  try {
    await client.output('stdout', /^event 1 /m);
    server.child.kill('SIGSTOP');
    client.child.kill('SIGINT');
    const result = await client.done;
    assert.match(result.stdout, /^stream ended: client_cancelled \(CANCELLED/m, result.stderr);
  } finally {
    server.child.kill('SIGCONT');
    server.child.kill('SIGTERM');
    await server.done;
  }
});

for (const [signal, code] of [['SIGINT', 130], ['SIGKILL', null]] as const) {
  test(`run ${signal === 'SIGINT' ? 'interrupted (SIGINT) exits 130' : 'killed (SIGKILL)'} and leaves no child server behind`, async () => {
    const runner = cli(['run', 'server-suspend-no-keepalive', '--frozen-wait-ms', '60000']);
    let children: number[] = [];
    await pollProcesses(() => (children = childrenOf(runner.child.pid!)).length > 0, 15_000);
    assert.equal(children.length, 1, 'the runner started one child server');
    // Interrupt while the child is frozen (SIGSTOP): the hardest case to clean up.
    await pollProcesses(() => stateOf(children[0]!) === 'T', 15_000);
    assert.equal(stateOf(children[0]!), 'T', 'the child is stopped');
    runner.child.kill(signal);
    const result = await runner.done;
    assert.equal(result.code, code, result.stderr);
    await pollProcesses(() => !children.some(running));
    const left = children.filter(running);
    assert.deepEqual(left, [], 'no child outlives the runner');
  });
}

test('serve: SIGTERM drains a live stream (client sees server_shutdown) and exits 0', async () => {
  const server = cli(['serve', '--host', '127.0.0.1', '--port', '0', '--metrics-port', '0', '--shutdown-grace-ms', '100']);
  const banner = await server.output('stderr', /gRPC on \S+:\d+, metrics on :\d+/);
  const [, host, port, metricsPort] = /gRPC on (\S+):(\d+), metrics on :(\d+)/.exec(banner) ?? [];
  // A plain scrape (no Accept) gets Prometheus text 0.0.4, where counters keep _total.
  const metrics = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
  assert.equal(metrics.status, 200);
  assert.match(await metrics.text(), /# TYPE grpc_server_started_total counter/);
  const deps = createTelemetryDeps({ logger: { silent: true } });
  const client = createTickerClient(deps, { target: `${host}:${port}` });
  const stream = client.subscribe({ topic: 'sigterm', count: 0, intervalMs: 10 });
  await once(stream.call, 'data');
  stream.call.resume();
  server.child.kill('SIGTERM');
  const end = await stream.ended;
  client.close();
  assert.equal(end.endCause, 'server_shutdown');
  const result = await server.done;
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stderr, /"end_cause":"server_shutdown"/, 'the server logged the cut stream');
});

test('fleet: subscribers stream over both servers, the API answers, SIGINT stops everything and leaves no child', async () => {
  const fleet = cli(['fleet', '--servers', '2', '--clients', '6', '--base-port', '0', '--api-port', '0', '--tick-ms', '100']);
  const banner = await fleet.output('stderr', /control API (http:\/\/\S+)\/api /, 30_000);
  const base = /control API (http:\/\/\S+)\/api /.exec(banner)![1];
  const servers = await (await fetch(`${base}/api/servers`)).json() as Array<{ pid: number; address: string }>;
  assert.equal(servers.length, 2);
  let clients: Array<{ state: string; backend: string }> = [];
  for (const until = Date.now() + 10_000; Date.now() < until;) {
    clients = await (await fetch(`${base}/api/clients`)).json() as typeof clients;
    if (clients.length === 6 && clients.every((c) => c.state === 'streaming')) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  assert.ok(clients.every((c) => c.state === 'streaming'), JSON.stringify(clients));
  assert.deepEqual(new Set(clients.map((c) => c.backend)), new Set(servers.map((s) => s.address)));
  fleet.child.kill('SIGINT');
  const result = await fleet.done;
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stderr, /stopping the subscribers, then the servers/);
  assert.ok(await pollProcesses(() => !servers.some((s) => running(s.pid))), 'no server left');
});

test('drive: one round against a server in another process; the scenario name crosses as baggage', async () => {
  const { startHarness } = await import('../helpers/harness.ts');
  const harness = await startHarness();
  try {
    const scenarios = 'completion,cancel,disconnect,blackhole,ack-retry,server-stop';
    const result = await cli(['drive', '--upstream', harness.target, '--runs', '1', '--every-s', '1', '--metrics-port', '0', '--interval-ms', '10', '--log-format', 'json', '--scenarios', scenarios]).done;
    assert.equal(result.code, 0, result.stderr);
    const runs = result.stderr.split('\n').filter((line) => line.includes('"scenario run"'))
      .map((line) => JSON.parse(line) as { scenario: string; verdict: string; server_end_cause?: string });
    assert.deepEqual(runs.map((run) => `${run.scenario}:${run.verdict}`), scenarios.split(',').map((name) => `${name}:ok`));
    // The process scenario ran against the driver's own child, whose end it saw over IPC.
    assert.equal(runs.at(-1)?.server_end_cause, 'server_shutdown');
    const serverEnds = harness.observer.ends().filter((end) => end.side === 'server');
    assert.ok(!serverEnds.some((end) => end.scenario === 'server-stop'), 'not against the upstream server');
    for (const [scenario, cause] of [['completion', 'completed'], ['cancel', 'client_cancelled'], ['disconnect', 'connection_reset'], ['blackhole', 'keepalive_timeout']]) {
      const serverEnd = serverEnds.find((end) => end.scenario === scenario);
      assert.equal(serverEnd?.endCause, cause, `server side of ${scenario}`);
    }
  } finally {
    await harness.close();
  }
});
