/**
 * `streamlab load` against a real streamlab server on port 0: all four RPC kinds (Ticker
 * Subscribe, Notify, Publish; Delivery Exchange) for 1 s each, their counts, client-side end
 * causes (completed, and client_cancelled for what the run ended), the server's side from
 * its /metrics, method resolution through reflection (v1, and v1alpha alone), usage errors,
 * and the CLI's --json document.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import { SpanKind } from '@opentelemetry/api';
import { telemetry } from '../../src/instrumentation.ts';
import { createDynamicClient, MethodNotFoundError } from '../../src/client/dynamic-client.ts';
import { ProtoJsonError } from '../../src/client/proto-json.ts';
import { parseDuration } from '../../src/load/duration.ts';
import { runLoadSession } from '../../src/load/load-session.ts';
import type { LoadReport } from '../../src/load/load-report.ts';
import { createReflectionServices } from '../../src/server/admin/reflection-service.ts';
import { createTelemetryDeps } from '../../src/telemetry/create-telemetry-deps.ts';
import { createMetricsHttpServer } from '../../src/telemetry/metrics-http.ts';
import { startHarness } from '../helpers/harness.ts';
import { runCli } from '../helpers/cli.ts';

/** Runs `streamlab load ...args` (killed after 30 s). */
const cli = (args: string[]) => runCli(['load', ...args], { boundMs: 30_000 });
import type { Harness } from '../helpers/harness.ts';

const TICKER_PROTO = fileURLToPath(new URL('../../proto/streamlab/v1/ticker.proto', import.meta.url));

let harness: Harness;
let metricsUrl: string;
let metricsServer: ReturnType<typeof createMetricsHttpServer>;
/** The scenario names of these runs: the client and the server label them (telemetry/scenario-label.ts). */
const SCENARIOS = ['load-cli', 'load-exchange', 'load-exchange-cut', 'load-notify', 'load-publish', 'load-sub'];
const clientDeps = () => createTelemetryDeps({ logger: { format: 'json', level: 'error' }, scenarioLabels: SCENARIOS });

before(async () => {
  // The server labels only known scenarios (telemetry/scenario-label.ts): these runs' names are configured.
  harness = await startHarness({ deps: { scenarioLabels: SCENARIOS } });
  metricsServer = createMetricsHttpServer(harness.deps.metrics.registry);
  metricsServer.listen(0, '127.0.0.1');
  await once(metricsServer, 'listening');
  metricsUrl = `http://127.0.0.1:${(metricsServer.address() as AddressInfo).port}/metrics`;
});
after(async () => {
  metricsServer.closeAllConnections();
  metricsServer.close();
  await harness.close();
});

/** Loads `method` on the harness for `durationMs` (default 1 s) with the schema from reflection, the scenario as baggage. */
async function load(method: string, request: unknown, options: { scenario: string; streams: number; rate?: number; graceMs?: number; durationMs?: number; deps?: ReturnType<typeof clientDeps> }): Promise<LoadReport> {
  const client = await createDynamicClient(options.deps ?? clientDeps(), { target: harness.target, method });
  try {
    client.checkRequest(request);
    return await runLoadSession(client, {
      target: harness.target, streams: options.streams, durationMs: options.durationMs ?? 1_000, request, rate: options.rate ?? 1,
      graceMs: options.graceMs ?? 1_000, scenario: options.scenario, serverMetricsUrl: metricsUrl,
    });
  } finally {
    client.close();
  }
}

const row = (report: LoadReport, cause: string, code: string) => report.ends.find((end) => end.end_cause === cause && end.grpc_code === code);
const serverCount = (report: LoadReport, cause: string) => report.server_ends?.ends.find((end) => end.end_cause === cause)?.count ?? 0;
const total = (report: LoadReport) => report.ends.reduce((sum, end) => sum + end.count, 0);

test('server streaming (Subscribe, finite): streams complete and are reopened; the run cancels the open ones at its end', async () => {
  const deps = clientDeps();
  const report = await load('streamlab.v1.Ticker/Subscribe', { topic: 'load-sub', count: 3, interval_ms: 20, follow: false }, { scenario: 'load-sub', streams: 4, deps });
  assert.equal(report.rpc, 'server_stream');
  assert.equal(report.schema, 'reflection v1');
  assert.equal(total(report), report.opened, 'every opened stream ended once');
  assert.ok(report.opened > 8, `streams were reopened: ${report.opened}`);
  const completed = row(report, 'completed', 'OK')?.count ?? 0;
  const cancelled = row(report, 'client_cancelled', 'CANCELLED');
  assert.equal(completed + (cancelled?.count ?? 0), report.opened, JSON.stringify(report.ends));
  assert.equal(cancelled?.count, 4, 'one stream per slot was open at the end');
  assert.equal(cancelled?.ended_by_run, 4);
  assert.equal(report.ended_by_run, 4);
  assert.equal(report.messages.sent, report.opened, 'one request per stream');
  assert.ok(report.messages.received >= completed * 3, `received ${report.messages.received}`);
  assert.ok(report.inter_arrival_ms && report.inter_arrival_ms.p50 >= 10, JSON.stringify(report.inter_arrival_ms));
  const { p50, p95, p99, max } = report.inter_arrival_ms;
  assert.ok(p50 <= p95 && p95 <= p99 && p99 <= max);
  assert.ok((report.connect_ms?.count ?? 0) >= completed && (report.first_message_ms?.count ?? 0) >= completed);
  // The server's side: the same streams, labelled with the scenario from the baggage. A
  // stream whose last message and OK were on the wire when the run cancelled it ended
  // completed on the server and client_cancelled on the client.
  const lateOk = serverCount(report, 'completed') - completed;
  assert.ok(lateOk >= 0 && lateOk <= 4, JSON.stringify(report.server_ends));
  assert.equal(serverCount(report, 'client_cancelled'), 4 - lateOk);
  assert.equal(report.server_ends?.total, report.opened);
  assert.equal(await harness.metric('streamlab_stream_ends_total', { side: 'server', end_cause: 'completed', scenario: 'load-sub' }), completed + lateOk);

  // Observed like streamlab's own client: its metrics, and CLIENT spans with the end cause,
  // the scenario and message sizes both ways (the method infos carry both serializers).
  const clientEnds = (await deps.metrics.registry.getSingleMetric('streamlab_stream_ends_total')?.get())?.values ?? [];
  const byCause = (cause: string) => clientEnds.filter((value) => value.labels.side === 'client' && value.labels.end_cause === cause && value.labels.scenario === 'load-sub').reduce((sum, value) => sum + value.value, 0);
  assert.equal(byCause('completed'), completed);
  assert.equal(byCause('client_cancelled'), 4);
  await telemetry.forceFlush();
  const clientSpans = harness.spans.spans().filter((span) => span.kind === SpanKind.CLIENT && span.attributes['streamlab.scenario'] === 'load-sub');
  assert.equal(clientSpans.length, report.opened);
  const span = clientSpans.find((candidate) => candidate.attributes['streamlab.end_cause'] === 'completed');
  const size = (type: string) => span?.events.find((event) => event.name === 'message' && event.attributes?.['rpc.message.type'] === type)?.attributes?.['rpc.message.uncompressed_size'];
  assert.ok(Number(size('SENT')) > 0 && Number(size('RECEIVED')) > 0, JSON.stringify(span?.events));
});

test('unary (Notify): each slot calls in a loop; calls in flight at the end are cancelled by the run', async () => {
  const report = await load('streamlab.v1.Ticker/Notify', { topic: 'load-notify', text: 'hi' }, { scenario: 'load-notify', streams: 3 });
  assert.equal(report.rpc, 'unary');
  assert.equal(report.rate, null);
  assert.ok(report.opened > 30, `calls made: ${report.opened}`);
  assert.equal(total(report), report.opened);
  const completed = row(report, 'completed', 'OK')?.count ?? 0;
  const cancelled = row(report, 'client_cancelled', 'CANCELLED')?.count ?? 0;
  assert.equal(completed + cancelled, report.opened, JSON.stringify(report.ends));
  assert.ok(cancelled <= 3 && report.ended_by_run === cancelled);
  assert.equal(report.connect_ms?.count, completed, 'unary: connect latency is the time to the response');
  assert.equal(report.inter_arrival_ms, null, 'one response per call');
  assert.ok(report.messages.received >= completed);
  // The server may have answered a call the client cancelled a moment later.
  assert.ok(serverCount(report, 'completed') >= completed && serverCount(report, 'completed') <= completed + cancelled);
  assert.ok((report.server_ends?.total ?? 0) >= report.opened - cancelled);
});

test('client streaming (Publish): --rate messages per second, half-closed at the end, every stream completes', async () => {
  const report = await load('streamlab.v1.Ticker/Publish', { topic: 'load-publish', id: 1, payload: 'AAEC' }, { scenario: 'load-publish', streams: 2, rate: 50 });
  assert.equal(report.rpc, 'client_stream');
  assert.equal(report.rate, 50);
  assert.equal(report.opened, 2, 'the streams stay open the whole run');
  assert.deepEqual(report.ends, [{ end_cause: 'completed', grpc_code: 'OK', count: 2, ended_by_run: 0 }]);
  assert.ok(report.messages.sent >= 2 * 30 && report.messages.sent <= 2 * 52, `sent ${report.messages.sent}`);
  assert.equal(report.messages.received, 2, 'one summary per stream');
  assert.ok(report.elapsed_ms >= 1_000 && report.elapsed_ms < 2_000, `elapsed ${report.elapsed_ms}`);
  assert.deepEqual(report.server_ends?.ends, [{ end_cause: 'completed', count: 2 }]);
});

test('bidi (Exchange): streams complete and are reopened; with no grace the open ones are cancelled by the run', async () => {
  const start = { start: { count: 3, interval_ms: 10, ack_timeout_ms: 20, max_redeliveries: 0 } };
  const graceful = await load('streamlab.v1.Delivery/Exchange', start, { scenario: 'load-exchange', streams: 2, rate: 0 });
  assert.equal(graceful.rpc, 'bidi_stream');
  assert.ok(graceful.opened > 4, `reopened: ${graceful.opened}`);
  assert.deepEqual(graceful.ends, [{ end_cause: 'completed', grpc_code: 'OK', count: graceful.opened, ended_by_run: 0 }], 'half-closed streams finished within the grace');
  assert.equal(graceful.messages.sent, graceful.opened, '--rate 0: only the first message');
  assert.equal(graceful.messages.received, graceful.opened * 4, '3 messages and a summary each');
  assert.equal(serverCount(graceful, 'completed'), graceful.opened);

  const abrupt = await load('streamlab.v1.Delivery/Exchange', { start: { count: 0, interval_ms: 50 } }, { scenario: 'load-exchange-cut', streams: 2, rate: 0, graceMs: 0, durationMs: 500 });
  assert.deepEqual(abrupt.ends, [{ end_cause: 'client_cancelled', grpc_code: 'CANCELLED', count: 2, ended_by_run: 2 }]);
  assert.ok(abrupt.inter_arrival_ms && abrupt.inter_arrival_ms.count >= 2);
  assert.deepEqual(abrupt.server_ends?.ends, [{ end_cause: 'client_cancelled', count: 2 }]);
});

test('method resolution: reflection v1 without --proto, --proto files, v1alpha when v1 is UNIMPLEMENTED', async (t) => {
  const deps = clientDeps();
  const kinds: Record<string, string> = {
    'streamlab.v1.Ticker/Subscribe': 'server_stream', 'streamlab.v1.Ticker/Notify': 'unary',
    'streamlab.v1.Ticker/Publish': 'client_stream', 'streamlab.v1.Delivery/Exchange': 'bidi_stream',
  };
  for (const [method, kind] of Object.entries(kinds)) {
    const client = await createDynamicClient(deps, { target: harness.target, method });
    assert.equal(client.method.kind, kind, method);
    assert.equal(client.source, 'reflection v1');
    client.close();
  }
  const fromFile = await createDynamicClient(deps, { target: harness.target, method: '/streamlab.v1.Ticker/Notify', protoPaths: [TICKER_PROTO] });
  assert.equal(fromFile.source, TICKER_PROTO);
  assert.equal(fromFile.requestType, 'streamlab.v1.NotifyRequest');
  fromFile.close();

  const alphaOnly = new grpc.Server();
  const alpha = createReflectionServices([]).find((service) => service.name.includes('v1alpha'));
  assert.ok(alpha);
  alphaOnly.addService(alpha.definition, alpha.handlers);
  const port = await new Promise<number>((resolve, reject) => alphaOnly.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))));
  t.after(() => alphaOnly.forceShutdown());
  const viaAlpha = await createDynamicClient(deps, { target: `127.0.0.1:${port}`, method: 'grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo' });
  assert.equal(viaAlpha.source, 'reflection v1alpha');
  assert.equal(viaAlpha.method.kind, 'bidi_stream');
  viaAlpha.close();
});

test('usage errors name what is wrong: unknown method or service, bad --data, bad duration', async () => {
  const deps = clientDeps();
  await assert.rejects(createDynamicClient(deps, { target: harness.target, method: 'streamlab.v1.Ticker/Nope' }),
    (error: Error) => error instanceof MethodNotFoundError && /unknown method "Nope" of streamlab\.v1\.Ticker: its methods are Subscribe, Notify, Publish/.test(error.message));
  await assert.rejects(createDynamicClient(deps, { target: harness.target, method: 'nope.Service/X' }),
    (error: Error) => error instanceof MethodNotFoundError && /unknown service "nope\.Service" on .*: it serves .*streamlab\.v1\.Ticker, streamlab\.v1\.Delivery/.test(error.message));
  await assert.rejects(createDynamicClient(deps, { target: harness.target, method: 'streamlab.v1.Ticker/Nope', protoPaths: [TICKER_PROTO] }), MethodNotFoundError);
  const client = await createDynamicClient(deps, { target: harness.target, method: 'streamlab.v1.Delivery/Exchange' });
  // The proto3 JSON mapping: a field's json name is as good as its proto name (issue 16 item 7).
  client.checkRequest({ start: { intervalMs: 5 } });
  assert.throws(() => client.checkRequest({ start: { interval: 5 } }), (error: Error) => error instanceof ProtoJsonError && /^"interval" is not a field of streamlab\.v1\.ExchangeStart; its fields are /.test(error.message));
  assert.throws(() => client.checkRequest({ start: { count: 'many' } }), /streamlab\.v1\.ExchangeStart\.count from JSON: expected number \(uint32\), got "many"/);
  assert.throws(() => client.checkRequest({ ack: { id: -1 } }), /streamlab\.v1\.Ack\.id from JSON: expected bigint \(uint64\): -1 out of range/);
  assert.throws(() => client.checkRequest([1]), /must be a JSON object/);
  client.checkRequest({ ack: { id: '18446744073709551615' } });
  client.close();
  assert.equal(parseDuration('500ms'), 500);
  assert.equal(parseDuration('1.5s'), 1_500);
  assert.equal(parseDuration('1m'), 60_000);
  for (const bad of ['5', 'abc', '5 parsecs', '']) assert.throws(() => parseDuration(bad), /expected a duration such as 500ms, 5s or 1m/, bad);
  assert.throws(() => parseDuration('0s'), /from 1ms to 24h/);
  assert.throws(() => parseDuration('-1s'), /from 1ms to 24h/);
  assert.throws(() => parseDuration('2d'), /from 1ms to 24h/);
});


test('CLI: usage errors exit 2 with one line; --json prints one document of the documented shape', async () => {
  const target = ['--target', harness.target];
  const [help, unknown, badJson, badField, badDuration, run] = await Promise.all([
    cli(['--help']),
    cli([...target, '--method', 'streamlab.v1.Ticker/Nope']),
    cli([...target, '--method', 'streamlab.v1.Ticker/Notify', '--data', '{"topic":']),
    cli([...target, '--method', 'streamlab.v1.Ticker/Notify', '--data', '{"topik":"x"}']),
    cli([...target, '--method', 'streamlab.v1.Ticker/Notify', '--duration', '5 parsecs']),
    cli([...target, '--method', 'streamlab.v1.Ticker/Subscribe', '--data', '{"topic":"load-cli","count":2,"interval_ms":20}',
      '--streams', '3', '--duration', '1s', '--scenario', 'load-cli', '--server-metrics', metricsUrl, '--json']),
  ]);
  for (const [result, message] of [
    [unknown, /^error: unknown method "Nope" of streamlab\.v1\.Ticker: its methods are Subscribe, Notify, Publish$/],
    [badJson, /^error: option '--data <json>' argument .* is invalid\. --data is not JSON: /],
    [badField, /^error: --data: "topik" is not a field of streamlab\.v1\.NotifyRequest; its fields are topic, text, delay_ms$/],
    [badDuration, /^error: option '--duration <duration>' argument '5 parsecs' is invalid\. expected a duration such as 500ms, 5s or 1m, got "5 parsecs"$/],
  ] as const) {
    assert.equal(result.code, 2, result.stderr);
    assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
    assert.match(result.stderr.trim(), message);
    assert.equal(result.stdout, '');
  }

  assert.equal(help.code, 0);
  assert.match(help.stdout, /^Usage: streamlab load/);
  for (const documented of ['--json prints one document', 'ended_by_run', 'server_ends', 'inter_arrival_ms', '--grace']) assert.ok(help.stdout.includes(documented), documented);

  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stderr, '', '--json: no progress');
  assert.equal(run.stdout.trim().split('\n').length, 1, 'one document');
  const report = JSON.parse(run.stdout) as LoadReport;
  assert.deepEqual(Object.keys(report), [
    'target', 'method', 'rpc', 'schema', 'scenario', 'streams', 'duration_ms', 'rate', 'elapsed_ms', 'interrupted', 'opened', 'ended_by_run',
    'messages', 'connect_ms', 'first_message_ms', 'inter_arrival_ms', 'ends', 'server_ends',
  ]);
  assert.equal(report.target, harness.target);
  assert.equal(report.method, 'streamlab.v1.Ticker/Subscribe');
  assert.equal(report.rpc, 'server_stream');
  assert.equal(report.schema, 'reflection v1');
  assert.equal(report.scenario, 'load-cli');
  assert.equal(report.streams, 3);
  assert.equal(report.duration_ms, 1_000);
  assert.equal(report.rate, null);
  assert.ok(report.elapsed_ms >= 1_000 && report.elapsed_ms < 3_000);
  assert.equal(report.interrupted, false);
  assert.ok(report.opened > 3);
  assert.equal(report.ended_by_run, 3);
  assert.deepEqual(Object.keys(report.messages), ['sent', 'received', 'sent_per_s', 'received_per_s']);
  assert.equal(report.messages.sent, report.opened);
  assert.ok(report.messages.sent_per_s > 0 && report.messages.received_per_s > report.messages.sent_per_s);
  for (const latency of [report.connect_ms, report.first_message_ms, report.inter_arrival_ms]) {
    assert.ok(latency);
    assert.deepEqual(Object.keys(latency), ['count', 'p50', 'p95', 'p99', 'max', 'mean']);
    assert.ok(latency.count > 0 && latency.p50 > 0 && latency.p50 <= latency.max);
  }
  const completed = report.opened - 3;
  assert.deepEqual(report.ends, [
    { end_cause: 'completed', grpc_code: 'OK', count: completed, ended_by_run: 0 },
    { end_cause: 'client_cancelled', grpc_code: 'CANCELLED', count: 3, ended_by_run: 3 },
  ]);
  assert.ok(report.server_ends);
  const { ends: serverEnds, ...server } = report.server_ends;
  assert.deepEqual(server, { url: metricsUrl, scenario: 'load-cli', grpc_service: 'streamlab.v1.Ticker', total: report.opened });
  const lateOk = (serverEnds[0]?.count ?? 0) - completed; // completed on the server as the run cancelled it (see above)
  assert.deepEqual(serverEnds, [{ end_cause: 'completed', count: completed + lateOk }, ...(lateOk < 3 ? [{ end_cause: 'client_cancelled', count: 3 - lateOk }] : [])]);
});
