/**
 * Every RPC kind observed the same way: the transport scenarios (completed,
 * client_cancelled, connection_reset, keepalive_timeout) and a deadline over unary Notify,
 * client-streaming Publish, server-streaming Subscribe and bidi Exchange, on real sockets,
 * with both sides' end causes, the span tree, message events and counts in both
 * directions, span status per semconv and the go-grpc-prometheus metrics by grpc_type.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { SpanKind, SpanStatusCode, context } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { telemetry } from '../../src/instrumentation.ts';
import { CORE_SCENARIOS, expandMatrix } from '../../src/scenarios/catalogue.ts';
import { createEmbeddedFaultBackend } from '../../src/scenarios/fault-backend.ts';
import { createScenarioRunner } from '../../src/scenarios/runner.ts';
import type { ScenarioResult } from '../../src/scenarios/scenario.ts';
import { createStreamlabClient } from '../../src/client/streamlab-client.ts';
import type { StreamlabClient } from '../../src/client/streamlab-client.ts';
import { startDelivery } from '../../src/client/delivery-client.ts';
import { RPC_KINDS } from '../../src/core/method-info.ts';
import type { RpcKind } from '../../src/core/method-info.ts';
import type { StreamEnd } from '../../src/telemetry/lifecycle-event.ts';
import { startHarness } from '../helpers/harness.ts';
import type { Harness } from '../helpers/harness.ts';

const METHOD: Record<RpcKind, string> = {
  unary: 'streamlab.v1.Ticker/Notify',
  client_stream: 'streamlab.v1.Ticker/Publish',
  server_stream: 'streamlab.v1.Ticker/Subscribe',
  bidi_stream: 'streamlab.v1.Delivery/Exchange',
};

let harness: Harness;
const results = new Map<string, ScenarioResult>();
const key = (name: string, rpc: RpcKind) => `${name}/${rpc}`;

before(async () => {
  harness = await startHarness();
  const runner = createScenarioRunner({
    telemetry: harness.deps, runs: harness.runs, faults: createEmbeddedFaultBackend(), upstream: harness.address,
  }, { intervalMs: 20 });
  for (const scenario of expandMatrix(CORE_SCENARIOS, RPC_KINDS)) results.set(key(scenario.name, scenario.rpc), await runner.run(scenario));
  await telemetry.forceFlush();
});
after(() => harness.close());

function rpcSpans(traceId: string): { client: ReadableSpan; server: ReadableSpan } {
  const all = harness.spans.spans().filter((span) => span.spanContext().traceId === traceId);
  const one = (kind: SpanKind) => {
    const found = all.filter((span) => span.kind === kind);
    assert.equal(found.length, 1, `one ${SpanKind[kind]} span`);
    return found[0] as ReadableSpan;
  };
  return { client: one(SpanKind.CLIENT), server: one(SpanKind.SERVER) };
}

const messageEvents = (span: ReadableSpan, type: 'SENT' | 'RECEIVED') =>
  span.events.filter((event) => event.name === 'message' && event.attributes?.['rpc.message.type'] === type);

for (const rpc of RPC_KINDS) {
  for (const scenario of CORE_SCENARIOS) {
    test(`${rpc} ${scenario.name}: both sides' end causes, spans, message events both ways`, () => {
      const result = results.get(key(scenario.name, rpc));
      assert.ok(result, 'ran');
      assert.deepEqual(result.mismatches, [], 'verdict ok');
      const client = result.client as StreamEnd;
      const server = result.server as StreamEnd;
      assert.equal(client.endCause, scenario.expect.client);
      assert.equal(server.endCause, scenario.expect.server);
      assert.equal(client.rpc, rpc);
      assert.equal(server.rpc, rpc);
      // On completion what one side sent, the other received (a cut may lose what was in flight).
      if (scenario.name === 'completion') {
        assert.equal(server.received, client.sent);
        assert.equal(client.received, server.sent);
        // Unary carries one response; bidi Exchange adds its summary to the count.
        const expected = { unary: 1, client_stream: scenario.count, server_stream: scenario.count, bidi_stream: scenario.count + 1 }[rpc];
        assert.equal(client.messages, expected, 'the data direction carried every message');
      }
      const { client: clientSpan, server: serverSpan } = rpcSpans(result.traceId);
      assert.equal(clientSpan.name, telemetry.rpcSpans === 'contrib' ? `grpc.${METHOD[rpc]}` : METHOD[rpc]);
      assert.equal(serverSpan.parentSpanContext?.spanId, clientSpan.spanContext().spanId, 'SERVER is a child of CLIENT');
      for (const [span, end] of [[clientSpan, client], [serverSpan, server]] as const) {
        assert.equal(span.attributes['streamlab.rpc.kind'], rpc);
        assert.equal(span.attributes['streamlab.end_cause'], end.endCause);
        assert.equal(span.attributes['streamlab.messages.sent'], end.sent);
        assert.equal(span.attributes['streamlab.messages.received'], end.received);
        assert.equal(messageEvents(span, 'SENT').length, Math.min(end.sent, 100), `${end.side} SENT events`);
        assert.equal(messageEvents(span, 'RECEIVED').length, Math.min(end.received, 100), `${end.side} RECEIVED events`);
        assert.ok(span.events.some((event) => event.name === 'stream.end'), `${end.side} stream.end event`);
      }
      // Semconv: a SERVER span is ERROR only for server-side failures; CANCELLED is not one.
      assert.equal(serverSpan.status.code, SpanStatusCode.UNSET);
      assert.equal(clientSpan.status.code, scenario.name === 'completion' ? SpanStatusCode.UNSET : SpanStatusCode.ERROR);
    });
  }
  test(`${rpc}: go-grpc-prometheus metrics carry grpc_type ${rpc}`, async () => {
    const [service, method] = METHOD[rpc].split('/') as [string, string];
    const labels = { grpc_type: rpc, grpc_service: service, grpc_method: method };
    assert.equal(await harness.metric('grpc_server_started_total', labels), 4);
    assert.equal(await harness.metric('grpc_client_started_total', labels), 4);
    assert.equal(await harness.metric('grpc_server_handled_total', { ...labels, grpc_code: 'OK' }), 1);
    assert.equal(await harness.metric('grpc_client_handled_total', { ...labels, grpc_code: 'Canceled' }), 1);
    const ends = CORE_SCENARIOS.map((scenario) => results.get(key(scenario.name, rpc))?.server as StreamEnd);
    const serverReceived = ends.reduce((sum, end) => sum + end.received, 0);
    const serverSent = ends.reduce((sum, end) => sum + end.sent, 0);
    assert.equal(await harness.metric('grpc_server_msg_received_total', labels), serverReceived);
    assert.equal(await harness.metric('grpc_server_msg_sent_total', labels), serverSent);
  });
}

/** Opens a call of `rpc` that would run for seconds, with a 150 ms deadline. */
function longCall(client: StreamlabClient, rpc: RpcKind, deadline: Date): Promise<StreamEnd> {
  switch (rpc) {
    case 'unary':
      return client.notify({ topic: 'deadline', text: 'late', delayMs: 5_000 }, { deadline }).ended;
    case 'client_stream': {
      const publish = client.publish({ deadline });
      publish.call.write({ topic: 'deadline', id: 1, payload: Buffer.alloc(4) });
      return publish.ended;
    }
    case 'server_stream': {
      const subscribe = client.subscribe({ topic: 'deadline', count: 0, intervalMs: 20 }, { deadline });
      subscribe.call.resume();
      return subscribe.ended;
    }
    case 'bidi_stream':
      return startDelivery(client, { count: 0, intervalMs: 20 }, {}, { deadline }).ended;
  }
}

for (const rpc of RPC_KINDS) {
  test(`${rpc} deadline: both sides deadline_exceeded; the SERVER span is an ERROR (semconv)`, async (t) => {
    const client = createStreamlabClient(harness.deps, { target: harness.target });
    t.after(() => client.close());
    const name = `deadline-${rpc}`;
    const run = harness.runs.open(name);
    const end = await context.with(run.context(), () => longCall(client, rpc, new Date(Date.now() + 150)));
    assert.equal(end.endCause, 'deadline_exceeded');
    assert.equal(end.grpcCode, 4);
    const serverEnd = await run.nextEnd('server', 5_000);
    assert.equal(serverEnd?.endCause, 'deadline_exceeded');
    await telemetry.forceFlush();
    const { server } = rpcSpans(end.traceId);
    assert.equal(server.status.code, SpanStatusCode.ERROR);
    assert.equal(server.attributes['streamlab.end_cause'], 'deadline_exceeded');
  });
}
