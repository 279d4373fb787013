/**
 * Server and client lifecycle beyond the core scenarios: bad requests, the cancelled
 * span regression, deadline, FIN, graceful shutdown, message-event cap, segments and
 * backpressure. Real server on port 0, telemetry captured in memory.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { SpanKind, SpanStatusCode, context } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { telemetry } from '../../src/instrumentation.ts';
import { createStreamlabClient as createTickerClient } from '../../src/client/streamlab-client.ts';
import type { StreamlabClient as TickerClient } from '../../src/client/streamlab-client.ts';
import { createFaultProxy } from '../../src/faults/fault-proxy.ts';
import { startHarness } from '../helpers/harness.ts';
import type { Harness } from '../helpers/harness.ts';

type TestContext = { after(fn: () => unknown): void };

async function setup(t: TestContext, options: Parameters<typeof startHarness>[0] = {}): Promise<{ harness: Harness; client: TickerClient }> {
  const harness = await startHarness(options);
  const client = createTickerClient(harness.deps, { target: harness.target, keepaliveTimeMs: 1000, keepaliveTimeoutMs: 1000 });
  t.after(async () => {
    client.close();
    await harness.close();
  });
  return { harness, client };
}

function serverSpanOf(harness: Harness, traceId: string): ReadableSpan {
  const spans = harness.spans.spans().filter((s) => s.kind === SpanKind.SERVER && s.spanContext().traceId === traceId);
  assert.equal(spans.length, 1, 'exactly one SERVER span reached the exporter');
  return spans[0] as ReadableSpan;
}

const BAD_REQUESTS = [
  { request: { topic: '', count: 1 }, message: 'topic="" has 0 characters: allowed 1 to 128' },
  { request: { topic: 'x'.repeat(129), count: 1 }, message: 'has 129 characters: allowed 1 to 128' },
  { request: { topic: 't', count: 1_000_001 }, message: 'count=1000001 is out of range: allowed 0 to 1000000' },
  { request: { topic: 't', count: 1, intervalMs: 60_001 }, message: 'interval_ms=60001 is out of range: allowed 0 to 60000' },
  { request: { topic: 't', count: 1, payloadBytes: 2_000_000 }, message: 'payload_bytes=2000000 is out of range: allowed 0 to 1048576' },
];

test('invalid request fields get INVALID_ARGUMENT naming field, value and range; the server keeps serving', async (t) => {
  const { harness, client } = await setup(t);
  for (const { request, message } of BAD_REQUESTS) {
    const stream = client.subscribe(request);
    const errored = once(stream.call, 'error');
    const end = await stream.ended;
    const [error] = (await errored) as [{ code: number; details: string }];
    assert.equal(error.code, 3, 'INVALID_ARGUMENT');
    assert.ok(error.details.includes(message), `"${error.details}" names the problem`);
    assert.equal(end.endCause, 'failed');
    await telemetry.forceFlush();
    const span = serverSpanOf(harness, end.traceId);
    assert.equal(span.status.code, SpanStatusCode.UNSET, 'INVALID_ARGUMENT is not a server error (semconv)');
    assert.equal(span.attributes['rpc.grpc.status_code'], 3);
    assert.equal(span.attributes['streamlab.end_cause'], 'failed');
  }
  const ok = client.subscribe({ topic: 'after', count: 2 });
  ok.call.resume();
  assert.equal((await ok.ended).endCause, 'completed', 'a valid request still completes');
  assert.equal(await harness.metric('grpc_server_handled_total', { grpc_code: 'InvalidArgument' }), BAD_REQUESTS.length);
});

test('regression: the SERVER span of a client-cancelled stream ends and reaches the exporter', async (t) => {
  // instrumentation-grpc 0.22x-0.30x never ends it; the server lifecycle must.
  const { harness, client } = await setup(t);
  const stream = client.subscribe({ topic: 'cancel-me', count: 0, intervalMs: 5 });
  stream.call.on('data', (event: { id: number }) => event.id === 2 && stream.cancel());
  const end = await stream.ended;
  assert.equal(end.endCause, 'client_cancelled');
  const serverEnd = await harness.observer.nextEnd('server', 5_000);
  assert.equal(serverEnd?.endCause, 'client_cancelled');
  await telemetry.forceFlush();
  const span = serverSpanOf(harness, end.traceId);
  assert.equal(span.attributes['streamlab.end_cause'], 'client_cancelled');
  assert.equal(span.status.code, SpanStatusCode.UNSET, 'a client cancel is not a server error (semconv)');
  assert.ok(span.events.some((event) => event.name === 'stream.cancel'));
});

test('deadline: both sides end deadline_exceeded; the SERVER span is an ERROR', async (t) => {
  const { harness, client } = await setup(t);
  const stream = client.subscribe({ topic: 'slow', count: 0, intervalMs: 20 }, { deadline: new Date(Date.now() + 150) });
  stream.call.resume();
  const end = await stream.ended;
  assert.equal(end.endCause, 'deadline_exceeded');
  assert.equal(end.grpcCode, 4);
  const serverEnd = await harness.observer.nextEnd('server', 5_000);
  assert.equal(serverEnd?.endCause, 'deadline_exceeded');
  await telemetry.forceFlush();
  const span = serverSpanOf(harness, end.traceId);
  assert.equal(span.status.code, SpanStatusCode.ERROR, 'DEADLINE_EXCEEDED is a server error (semconv)');
});

test('FIN through the proxy: both sides end connection_closed', async (t) => {
  const { harness } = await setup(t);
  const proxy = createFaultProxy({ upstreamHost: '127.0.0.1', upstreamPort: harness.address.port });
  const bound = await proxy.listen();
  t.after(() => proxy.close());
  const client = createTickerClient(harness.deps, { target: `127.0.0.1:${bound.port}`, keepaliveTimeMs: 1000, keepaliveTimeoutMs: 1000 });
  t.after(() => client.close());
  const stream = client.subscribe({ topic: 'fin', count: 0, intervalMs: 10 });
  stream.call.on('data', (event: { id: number }) => event.id === 2 && proxy.closeConnections());
  const end = await stream.ended;
  assert.equal(end.endCause, 'connection_closed');
  assert.equal(end.closeKind, 'fin');
  const serverEnd = await harness.observer.nextEnd('server', 5_000);
  assert.equal(serverEnd?.endCause, 'connection_closed');
  assert.equal(await harness.metric('streamlab_connection_closes_total', { close_kind: 'fin' }), 1);
});

test('graceful shutdown: streams cut after the grace period end server_shutdown on both sides', async (t) => {
  const { harness, client } = await setup(t);
  const run = harness.runs.open('shutdown');
  const stream = context.with(run.context(), () => client.subscribe({ topic: 'forever', count: 0, intervalMs: 10 }));
  await once(stream.call, 'data');
  stream.call.resume();
  await harness.server.shutdown(50);
  const end = await stream.ended;
  assert.equal(end.endCause, 'server_shutdown');
  assert.equal(end.grpcCode, 14, 'UNAVAILABLE');
  const serverEnd = await run.nextEnd('server', 5_000);
  assert.equal(serverEnd?.endCause, 'server_shutdown');
  await telemetry.forceFlush();
  const span = serverSpanOf(harness, end.traceId);
  assert.equal(span.attributes['streamlab.end_cause'], 'server_shutdown');
  assert.ok(span.events.some((event) => event.name === 'goaway'));
  assert.equal(harness.server.activeStreams, 0);
});

test('message events are capped per span; counts stay exact', async (t) => {
  const { harness, client } = await setup(t, { deps: { messageEventCap: 3 } });
  const stream = client.subscribe({ topic: 'cap', count: 10 });
  stream.call.resume();
  const end = await stream.ended;
  assert.equal(end.messages, 10);
  await harness.observer.nextEnd('server', 5_000);
  await telemetry.forceFlush();
  const server = serverSpanOf(harness, end.traceId);
  const sent = server.events.filter((event) => event.name === 'message' && event.attributes?.['rpc.message.type'] === 'SENT');
  assert.deepEqual(sent.map((event) => event.attributes?.['rpc.message.id']), [1, 2, 3], 'capped per direction');
  assert.equal(server.attributes['streamlab.messages.sent'], 10);
});

test('long streams: a stream.segment span closes every N messages under the RPC span', async (t) => {
  const { harness, client } = await setup(t, { deps: { segmentMessages: 4 } });
  const stream = client.subscribe({ topic: 'segments', count: 10 });
  stream.call.resume();
  const end = await stream.ended;
  await harness.observer.nextEnd('server', 5_000);
  await telemetry.forceFlush();
  const server = serverSpanOf(harness, end.traceId);
  const segments = harness.spans.spans().filter((s) => s.name === 'stream.segment' && s.parentSpanContext?.spanId === server.spanContext().spanId);
  // Both directions count: the first segment holds the request and three events.
  assert.deepEqual(segments.map((s) => s.attributes['streamlab.messages.received']), [1, 0, 0]);
  assert.deepEqual(segments.map((s) => s.attributes['streamlab.messages.sent']), [3, 4, 3]);
  assert.deepEqual(segments.map((s) => s.attributes['streamlab.segment.index']), [0, 1, 2]);
});

test('slow consumer: write() returning false opens a backpressure.wait span until drain', async (t) => {
  const { harness, client } = await setup(t);
  const stream = client.subscribe({ topic: 'firehose', count: 400, payloadBytes: 64 * 1024 });
  const waited = harness.observer.nextEvent('backpressure.wait', 10_000);
  stream.call.pause();
  assert.ok(await waited, 'the server hit backpressure because nobody reads');
  stream.call.resume();
  const end = await stream.ended;
  assert.equal(end.endCause, 'completed');
  await harness.observer.nextEnd('server', 5_000);
  await telemetry.forceFlush();
  const server = serverSpanOf(harness, end.traceId);
  const waits = harness.spans.spans().filter((s) => s.name === 'backpressure.wait' && s.parentSpanContext?.spanId === server.spanContext().spanId);
  assert.ok(waits.length >= 1, 'at least one backpressure.wait span');
  assert.ok(await harness.metric('streamlab_backpressure_wait_seconds', { side: 'server' }, 'streamlab_backpressure_wait_seconds_count') >= 1);
});

test('a client that cancels and leaves at once is client_cancelled on the server, not a transport end', async (t) => {
  const { harness } = await setup(t);
  for (let trial = 0; trial < 5; trial++) {
    const leaving = createTickerClient(harness.deps, { target: harness.target });
    const run = harness.runs.open(`leaving-${trial}`);
    const stream = context.with(run.context(), () => leaving.subscribe({ topic: 'leaving', count: 0, intervalMs: 5 }));
    await once(stream.call, 'data');
    stream.cancel();
    leaving.close(); // GOAWAY and FIN right behind the RST_STREAM
    assert.equal((await stream.ended).endCause, 'client_cancelled');
    const serverEnd = await run.nextEnd('server', 5_000);
    assert.equal(serverEnd?.endCause, 'client_cancelled', `trial ${trial}`);
  }
});
