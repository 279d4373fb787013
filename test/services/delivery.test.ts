/**
 * At-least-once delivery over bidi (Delivery/Exchange), on real sockets: redelivery after
 * simulated loss, exhaustion when ACKs come too late, a reset mid-delivery that reports the
 * unacked ids on both sides, and protocol errors that end one stream with INVALID_ARGUMENT
 * while the server keeps serving.
 */
import { deliveryOf } from '../../src/delivery/delivery-account.ts';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { context } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { SpanKind } from '@opentelemetry/api';
import { telemetry } from '../../src/instrumentation.ts';
import { createStreamlabClient } from '../../src/client/streamlab-client.ts';
import { startDelivery } from '../../src/client/delivery-client.ts';
import type { DeliveryOptions } from '../../src/client/delivery-client.ts';
import { createFaultProxy } from '../../src/faults/fault-proxy.ts';
import type { StreamEnd } from '../../src/telemetry/lifecycle-event.ts';
import { startHarness } from '../helpers/harness.ts';
import type { Harness } from '../helpers/harness.ts';

type TestContext = { after(fn: () => unknown): void };

async function setup(t: TestContext) {
  const harness = await startHarness();
  const client = createStreamlabClient(harness.deps, { target: harness.target, keepaliveTimeMs: 1000, keepaliveTimeoutMs: 1000 });
  t.after(async () => {
    client.close();
    await harness.close();
  });
  return { harness, client };
}

/** Runs one delivery stream under scenario `name`; resolves with both ends. */
async function deliver(harness: Harness, client: ReturnType<typeof createStreamlabClient>, name: string, options: DeliveryOptions) {
  const run = harness.runs.open(name);
  const client_ = await context.with(run.context(), () => startDelivery(client, options).ended);
  const server = await run.nextEnd('server', 10_000);
  assert.ok(server, 'server end recorded');
  return { client: client_, server };
}

function serverSpan(harness: Harness, end: StreamEnd): ReadableSpan {
  const span = harness.spans.spans().find((s) => s.kind === SpanKind.SERVER && s.spanContext().traceId === end.traceId);
  assert.ok(span, 'SERVER span exported');
  return span;
}

test('seeded drops: lost messages are redelivered and every message ends acked', async (t) => {
  const { harness, client } = await setup(t);
  const { client: mine, server } = await deliver(harness, client, 'drops', { count: 10, intervalMs: 0, ackTimeoutMs: 100, dropRate: 0.3, seed: 3 });
  assert.equal(mine.endCause, 'completed');
  assert.equal(server.endCause, 'completed');
  const account = deliveryOf(server);
  const received = deliveryOf(mine);
  assert.ok(account && received);
  assert.ok(account.redelivered > 0, 'redeliveries happened');
  assert.equal(account.sent, 10);
  assert.equal(account.acked, 10);
  assert.equal(account.exhausted, 0);
  assert.deepEqual(account.unackedIds, []);
  assert.equal(received.sent, 10, 'each id delivered once to the application');
  assert.ok(received.dropped > 0);
  assert.equal(received.redelivered, account.redelivered, 'the client received every redelivery');
  await telemetry.forceFlush();
  const span = serverSpan(harness, server);
  assert.equal(span.events.filter((e) => e.name === 'delivery.redeliver').length, account.redelivered);
  assert.equal(span.events.filter((e) => e.name === 'delivery.ack').length, 10);
  assert.equal(span.attributes['streamlab.delivery.acked'], 10);
  assert.equal(await harness.metric('streamlab_delivery_redeliveries_total', { scenario: 'drops' }), account.redelivered);
  assert.equal(await harness.metric('streamlab_delivery_acked_total', { scenario: 'drops' }), 10);
  assert.equal(await harness.metric('streamlab_delivery_ack_latency_seconds', { scenario: 'drops' }, 'streamlab_delivery_ack_latency_seconds_count'), 10);
  assert.equal(await harness.metric('streamlab_delivery_unacked', { scenario: 'drops' }), 0, 'nothing left in flight');
});

test('ACKs slower than the ack timeout: messages are exhausted and reported, none lost silently', async (t) => {
  const { harness, client } = await setup(t);
  const { client: mine, server } = await deliver(harness, client, 'exhaust', { count: 3, intervalMs: 0, ackTimeoutMs: 50, maxRedeliveries: 1, ackDelayMs: 400 });
  assert.equal(server.endCause, 'completed', 'done when every message is acknowledged or exhausted');
  assert.equal(mine.endCause, 'completed');
  assert.deepEqual(deliveryOf(server)?.exhaustedIds, [1, 2, 3]);
  assert.equal(deliveryOf(server)?.redelivered, 3, 'one redelivery each before giving up');
  assert.equal(deliveryOf(server)?.acked, 0);
  assert.equal(deliveryOf(mine)?.exhausted, 3, 'the client learns the exhausted ids from the summary');
  assert.equal(await harness.metric('streamlab_delivery_exhausted_total', { scenario: 'exhaust' }), 3);
  await telemetry.forceFlush();
  assert.equal(serverSpan(harness, server).events.filter((e) => e.name === 'delivery.exhausted').length, 3);
});

test('a reset mid-delivery reports the unacked ids on both sides', async (t) => {
  const { harness, client: _unused } = await setup(t);
  const proxy = createFaultProxy({ upstreamHost: '127.0.0.1', upstreamPort: harness.address.port });
  const bound = await proxy.listen();
  const client = createStreamlabClient(harness.deps, { target: `${bound.host}:${bound.port}`, keepaliveTimeMs: 1000, keepaliveTimeoutMs: 1000 });
  t.after(async () => {
    client.close();
    await proxy.close();
  });
  const run = harness.runs.open('cut');
  let received = 0;
  const exchange = context.with(run.context(), () => startDelivery(client, { count: 0, intervalMs: 10, ackDelayMs: 60_000 }, {
    onMessage: () => {
      if (++received === 3) setImmediate(() => proxy.reset());
    },
  }));
  const mine = await exchange.ended;
  const server = await run.nextEnd('server', 5_000);
  assert.equal(mine.endCause, 'connection_reset');
  assert.equal(server?.endCause, 'connection_reset');
  assert.deepEqual(deliveryOf(mine)?.unackedIds, [1, 2, 3], 'the client saw 1-3 and acknowledged none');
  const serverAccount = deliveryOf(server);
  assert.ok(serverAccount && serverAccount.unackedIds.length >= 3);
  assert.equal(serverAccount.sent, serverAccount.acked + serverAccount.exhausted + serverAccount.unackedIds.length);
  assert.deepEqual(serverAccount.unackedIds.slice(0, 3), [1, 2, 3]);
});

test('protocol errors end that stream with INVALID_ARGUMENT naming the problem; the server keeps serving', async (t) => {
  const { harness, client } = await setup(t);
  const cases: Array<{ send: object[]; halfClose?: boolean; message: RegExp }> = [
    { send: [{ ack: { id: 1 } }], message: /the first message must be a start message, got an ack for id=1/ },
    { send: [{ start: { count: 2, intervalMs: 5000 } }, { start: { count: 1 } }], message: /a second start message/ },
    { send: [{ start: { count: 2, intervalMs: 5000 } }, { ack: { id: 99 } }], message: /ack for id=99, which was never sent: sent ids are 1 to 1/ },
    { send: [{ start: { count: 1, maxRedeliveries: 11 } }], message: /max_redeliveries=11 is out of range: allowed 0 to 10/ },
    { send: [], halfClose: true, message: /half-closed before sending a start message/ },
  ];
  for (const { send, halfClose, message } of cases) {
    const exchange = client.exchange();
    const errored = once(exchange.call, 'error');
    for (const request of send) exchange.call.write(request);
    if (halfClose) exchange.call.end();
    const end = await exchange.ended;
    const [error] = (await errored) as [{ code: number; details: string }];
    assert.equal(error.code, 3, `INVALID_ARGUMENT for ${JSON.stringify(send)}`);
    assert.match(error.details, message);
    assert.equal(end.endCause, 'failed');
  }
  const { client: ok } = await deliver(harness, client, 'after-errors', { count: 2, intervalMs: 0 });
  assert.equal(ok.endCause, 'completed', 'a valid exchange still completes');
});
