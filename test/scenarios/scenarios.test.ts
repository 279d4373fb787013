/**
 * The four core scenarios, end to end on real sockets: both sides' end causes and codes,
 * the span tree, span events and status per semconv, metric values and log records.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { telemetry } from '../../src/instrumentation.ts';
import { CORE_SCENARIOS, selectScenarios } from '../../src/scenarios/catalogue.ts';
import { createEmbeddedFaultBackend } from '../../src/scenarios/fault-backend.ts';
import { createScenarioRunner } from '../../src/scenarios/runner.ts';
import type { ScenarioResult } from '../../src/scenarios/scenario.ts';
import { startHarness } from '../helpers/harness.ts';
import type { Harness } from '../helpers/harness.ts';

let harness: Harness;
const results = new Map<string, ScenarioResult>();

before(async () => {
  harness = await startHarness();
  const runner = createScenarioRunner({
    telemetry: harness.deps, runs: harness.runs, faults: createEmbeddedFaultBackend(), upstream: harness.address,
  }, { intervalMs: 20 });
  for (const scenario of CORE_SCENARIOS) results.set(scenario.name, await runner.run(scenario));
  await telemetry.forceFlush();
});
after(() => harness.close());

/** The run's spans: root, CLIENT and SERVER, found by trace id and kind. */
function spansOf(name: string): { root: ReadableSpan; client: ReadableSpan; server: ReadableSpan; all: ReadableSpan[] } {
  const traceId = results.get(name)?.traceId;
  assert.match(traceId ?? '', /^[0-9a-f]{32}$/, `${name} has a trace id`);
  const all = harness.spans.spans().filter((span) => span.spanContext().traceId === traceId);
  const one = (predicate: (span: ReadableSpan) => boolean, what: string) => {
    const found = all.filter(predicate);
    assert.equal(found.length, 1, `${name}: exactly one ${what} span, got ${all.map((s) => s.name).join(', ')}`);
    return found[0] as ReadableSpan;
  };
  return {
    root: one((s) => s.name === `scenario ${name}`, 'root'),
    client: one((s) => s.kind === SpanKind.CLIENT, 'CLIENT'),
    server: one((s) => s.kind === SpanKind.SERVER, 'SERVER'),
    all,
  };
}

const eventNames = (span: ReadableSpan) => span.events.map((event) => event.name).filter((name) => name !== 'message');

const EXPECTED = {
  completion: { clientCode: 0, clientStatus: SpanStatusCode.UNSET, serverCode: 0, clientEvents: ['stream.open', 'stream.end'], serverEvents: ['stream.open', 'stream.end'], grpcCode: 'OK' },
  cancel: { clientCode: 1, clientStatus: SpanStatusCode.ERROR, serverCode: 1, clientEvents: ['stream.open', 'stream.cancel', 'stream.end'], serverEvents: ['stream.open', 'stream.cancel', 'stream.end'], grpcCode: 'Canceled' },
  disconnect: { clientCode: 14, clientStatus: SpanStatusCode.ERROR, serverCode: 1, clientEvents: ['stream.open', 'transport.close', 'stream.end'], serverEvents: ['stream.open', 'transport.close', 'stream.end'], grpcCode: 'Canceled' },
  blackhole: { clientCode: 14, clientStatus: SpanStatusCode.ERROR, serverCode: 1, clientEvents: ['stream.open', 'keepalive.timeout', 'transport.close', 'stream.end'], serverEvents: ['stream.open', 'keepalive.timeout', 'transport.close', 'stream.end'], grpcCode: 'Canceled' },
} as const;

for (const scenario of CORE_SCENARIOS) {
  const name = scenario.name as keyof typeof EXPECTED;
  const expected = EXPECTED[name];

  test(`${name}: both sides end as the catalogue expects`, () => {
    const result = results.get(name);
    assert.ok(result, 'scenario ran');
    assert.deepEqual(result.mismatches, []);
    assert.equal(result.ok, true);
    assert.equal(result.client?.endCause, scenario.expect.client);
    assert.equal(result.client?.grpcCode, expected.clientCode);
    assert.equal(result.server?.endCause, scenario.expect.server);
    assert.equal(result.server?.grpcCode, expected.serverCode);
    if (scenario.network.kind === 'clean' && scenario.client.kind === 'read-all') {
      assert.equal(result.client?.messages, scenario.count);
      assert.equal(result.server?.detectionMs, undefined, 'no cause, no detection latency');
    } else {
      assert.equal(result.client?.messages, 3);
      assert.ok((result.server?.detectionMs ?? -1) >= 0, 'server detection latency is measured');
    }
  });

  test(`${name}: span tree, attributes, events and status per semconv`, () => {
    const { root, client, server } = spansOf(name);
    assert.equal(root.parentSpanContext, undefined, 'root span has no parent');
    assert.equal(root.attributes['streamlab.verdict'], 'ok');
    assert.equal(client.parentSpanContext?.spanId, root.spanContext().spanId, 'CLIENT is a child of the scenario span');
    assert.equal(server.parentSpanContext?.spanId, client.spanContext().spanId, 'SERVER is a child of CLIENT');
    // Span names per the OTel RPC semconv (`package.Service/Method`); the stock instrumentation prefixes `grpc.`.
    assert.equal(client.name, telemetry.rpcSpans === 'contrib' ? 'grpc.streamlab.v1.Ticker/Subscribe' : 'streamlab.v1.Ticker/Subscribe');
    for (const [span, side] of [[client, 'client'], [server, 'server']] as const) {
      assert.equal(span.attributes['rpc.system'], 'grpc');
      assert.equal(span.attributes['rpc.service'], 'streamlab.v1.Ticker');
      assert.equal(span.attributes['rpc.method'], 'Subscribe');
      assert.equal(span.attributes['streamlab.scenario'], name, `${side} span carries the scenario (baggage)`);
      assert.equal(span.attributes['streamlab.end_cause'], side === 'client' ? scenario.expect.client : scenario.expect.server);
    }
    assert.equal(client.attributes['rpc.grpc.status_code'], expected.clientCode);
    assert.equal(server.attributes['rpc.grpc.status_code'], expected.serverCode);
    assert.match(String(server.attributes['streamlab.connection.id']), /^conn-\d+$/);
    assert.equal(server.attributes['streamlab.messages.sent'], results.get(name)?.server?.messages);
    assert.equal(client.attributes['streamlab.messages.received'], results.get(name)?.client?.messages);
    assert.equal(client.status.code, expected.clientStatus, 'CLIENT: ERROR for every non-OK code');
    assert.equal(server.status.code, SpanStatusCode.UNSET, 'SERVER: UNSET for OK and CANCELLED');
    assert.deepEqual(eventNames(client), expected.clientEvents);
    assert.deepEqual(eventNames(server), expected.serverEvents);
    const messageEvents = (span: ReadableSpan, type: string) => span.events.filter((event) => event.name === 'message' && event.attributes?.['rpc.message.type'] === type);
    const firstSent = messageEvents(server, 'SENT')[0];
    assert.equal(firstSent?.attributes?.['rpc.message.id'], 1);
    assert.ok(Number(firstSent?.attributes?.['rpc.message.uncompressed_size']) > 64, 'size covers the 64-byte payload');
    assert.deepEqual(messageEvents(server, 'RECEIVED').map((event) => event.attributes?.['rpc.message.id']), [1], 'the server received the one request');
    assert.equal(messageEvents(client, 'RECEIVED').length, results.get(name)?.client?.messages);
    assert.equal(messageEvents(client, 'SENT').length, 1, 'the client sent the one request');
    assert.equal(server.attributes['streamlab.messages.received'], 1);
    assert.equal(client.attributes['streamlab.messages.sent'], 1);
  });

  test(`${name}: metrics in the registry`, async () => {
    const result = results.get(name);
    for (const side of ['client', 'server'] as const) {
      const cause = result?.[side]?.endCause ?? 'none';
      assert.equal(cause, side === 'client' ? scenario.expect.client : scenario.expect.server, 'the core scenarios expect one cause per side');
      assert.equal(await harness.metric('streamlab_stream_ends_total', { side, end_cause: cause, scenario: name }), 1, `${side} end counted`);
      assert.equal(await harness.metric('streamlab_streams_active', { side, scenario: name }), 0, `${side} stream no longer active`);
      assert.equal(await harness.metric('streamlab_stream_messages_total', { side, scenario: name }), result?.[side]?.messages);
    }
    const detections = await harness.metric('streamlab_detection_seconds', { side: 'server', scenario: name }, 'streamlab_detection_seconds_count');
    assert.equal(detections, scenario.network.kind === 'clean' && scenario.client.kind === 'read-all' ? 0 : 1);
  });

  test(`${name}: log records of the stream carry its trace id`, () => {
    const result = results.get(name);
    const records = harness.logs.filter((record) => record.scenario === name);
    const ends = records.filter((record) => record.event === 'stream.end');
    assert.equal(ends.length, 2, 'one stream.end record per side');
    for (const record of records) {
      assert.equal(record.trace_id, result?.traceId, `${String(record.event)} carries the trace id`);
      assert.match(String(record.span_id), /^[0-9a-f]{16}$/);
    }
    assert.deepEqual(ends.map((record) => record.end_cause).sort(), [scenario.expect.client, scenario.expect.server].sort());
  });
}

test('go-grpc-prometheus counters add up over the core set', async () => {
  const labels = { grpc_type: 'server_stream', grpc_service: 'streamlab.v1.Ticker', grpc_method: 'Subscribe' };
  assert.equal(await harness.metric('grpc_server_started_total', labels), 4);
  assert.equal(await harness.metric('grpc_client_started_total', labels), 4);
  assert.equal(await harness.metric('grpc_server_handled_total', { ...labels, grpc_code: 'OK' }), 1);
  assert.equal(await harness.metric('grpc_server_handled_total', { ...labels, grpc_code: 'Canceled' }), 3);
  assert.equal(await harness.metric('grpc_client_handled_total', { ...labels, grpc_code: 'Unavailable' }), 2);
  const sent = [...results.values()].reduce((sum, result) => sum + (result.server?.messages ?? 0), 0);
  assert.equal(await harness.metric('grpc_server_msg_sent_total', labels), sent);
  assert.equal(await harness.metric('streamlab_scenario_runs_total', { scenario: 'blackhole', verdict: 'ok' }), 1);
});

test('blackhole: the server notices within keepalive time + timeout', () => {
  const server = results.get('blackhole')?.server;
  const bound = selectScenarios(['blackhole'])[0]?.expect.serverDetectionWithinMs?.({ timeMs: 1000, timeoutMs: 1000 });
  assert.ok(server?.detectionMs !== undefined && bound !== undefined);
  assert.ok(server.detectionMs > 500, `not before keepalive could notice (${server.detectionMs} ms)`);
  assert.ok(server.detectionMs <= bound, `${server.detectionMs} ms <= ${bound} ms`);
});

test('exemplars: stream-end counters carry the trace id in OpenMetrics', async () => {
  const text = await harness.deps.metrics.registry.metrics();
  const line = text.split('\n').find((l) => l.startsWith('streamlab_stream_ends_total{side="server",end_cause="client_cancelled",scenario="cancel",grpc_service="streamlab.v1.Ticker"}'));
  assert.ok(line?.includes(`# {trace_id="${results.get('cancel')?.traceId}"}`), line);
});
