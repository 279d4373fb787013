/**
 * `streamlab load` against `streamlab mock` (issue 9): 10 streams of the fixture's methods
 * for a short run, from the CLI with --json — counts, client and server end causes, and the
 * document's shape — including a script whose streams end with a TCP RST.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import type http from 'node:http';
import { createMockServer } from '../../src/mock/mock-server.ts';
import type { MockServer } from '../../src/mock/mock-server.ts';
import { createTelemetryDeps } from '../../src/telemetry/create-telemetry-deps.ts';
import { createMetricsHttpServer } from '../../src/telemetry/metrics-http.ts';
import type { LoadReport } from '../../src/load/load-report.ts';
import { runCli } from '../helpers/cli.ts';

// The mock labels only known scenarios (telemetry/scenario-label.ts): these runs' names are configured.
const deps = createTelemetryDeps({ logger: { format: 'json', level: 'error' }, scenarioLabels: ['mock-load', 'mock-reset'] });
let mock: MockServer;
let metrics: http.Server;
let target: string;
let metricsUrl: string;

before(async () => {
  mock = createMockServer(deps, { protos: ['examples/mock/chat.proto'], scriptsDir: 'examples/mock/scripts', seed: 3 });
  target = `127.0.0.1:${(await mock.listen({ host: '127.0.0.1', port: 0 })).port}`;
  metrics = createMetricsHttpServer(deps.metrics.registry).listen(0, '127.0.0.1');
  await once(metrics, 'listening');
  metricsUrl = `http://127.0.0.1:${(metrics.address() as { port: number }).port}/metrics`;
});
after(async () => {
  metrics.close();
  await mock.close(0);
});

/** Runs `streamlab load … --json` and parses its one document. */
async function load(args: string[]): Promise<LoadReport> {
  const run = await runCli(['load', '--target', target, '--proto', 'examples/mock/chat.proto', '--json', ...args]);
  assert.equal(run.code, 0, run.stderr);
  return JSON.parse(run.stdout) as LoadReport;
}

const count = (rows: Array<{ end_cause: string; count: number }>, cause: string) => rows.filter((row) => row.end_cause === cause).reduce((sum, row) => sum + row.count, 0);

test('load: 10 Countdown streams for 1 s against the mock complete and are reopened; server causes from /metrics', async () => {
  const report = await load(['--method', 'chat.v1.Chat/Countdown', '--streams', '10', '--duration', '1s', '--server-metrics', metricsUrl, '--scenario', 'mock-load']);
  assert.deepEqual(Object.keys(report).sort(), [
    'connect_ms', 'duration_ms', 'elapsed_ms', 'ended_by_run', 'ends', 'first_message_ms', 'inter_arrival_ms', 'interrupted', 'messages',
    'method', 'opened', 'rate', 'rpc', 'scenario', 'schema', 'server_ends', 'streams', 'target',
  ]);
  assert.equal(report.rpc, 'server_stream');
  assert.equal(report.rate, null);
  assert.equal(report.streams, 10);
  assert.ok(report.opened >= 20, `a Countdown takes ~60 ms: 10 slots reopen many times in 1 s (${report.opened})`);
  const ended = report.ends.reduce((sum, row) => sum + row.count, 0);
  assert.equal(ended, report.opened);
  assert.equal(count(report.ends, 'completed') + count(report.ends, 'client_cancelled'), report.opened);
  assert.ok(report.messages.received >= count(report.ends, 'completed') * 4);
  assert.ok(report.inter_arrival_ms && report.inter_arrival_ms.p50 >= 15, 'the timeline paces messages 20 ms apart');
  assert.equal(report.server_ends?.scenario, 'mock-load');
  // A stream the run cancels while its last message and OK are already on the wire ends
  // completed on the server and client_cancelled on the client: at most ended_by_run of them.
  const serverCompleted = count(report.server_ends!.ends, 'completed');
  assert.ok(serverCompleted >= count(report.ends, 'completed') && serverCompleted <= count(report.ends, 'completed') + report.ended_by_run, JSON.stringify(report.server_ends));
  assert.equal(report.server_ends!.total, report.opened);
});

test('load: a script line with "fault":"reset" ends the streams connection_reset on the client, the server agreeing', async () => {
  const report = await load(['--method', 'chat.v1.Chat/Doomed', '--data', '{"mode":"reset"}', '--streams', '10', '--duration', '1s', '--server-metrics', metricsUrl, '--scenario', 'mock-reset']);
  const resets = count(report.ends, 'connection_reset');
  assert.ok(resets >= 10, JSON.stringify(report.ends));
  assert.equal(count(report.ends, 'failed'), 0, JSON.stringify(report.ends));
  const serverResets = count(report.server_ends!.ends, 'connection_reset');
  assert.ok(serverResets >= 10, JSON.stringify(report.server_ends));
  assert.equal(count(report.server_ends!.ends, 'failed'), 0, JSON.stringify(report.server_ends));
});
