/**
 * Slow readers cannot grow the server without bound (issue 16 item 3): subscribers that stop
 * reading (HTTP/2 window 0) and many Notify calls. What the server queues per stream is
 * bounded; past the bound the stream ends RESOURCE_EXHAUSTED with a `backpressure.overflow`
 * span event and `streamlab_backpressure_overflows_total`; a fleet subscriber resumes after
 * its last id and loses nothing; the server advertises SETTINGS_MAX_CONCURRENT_STREAMS; what
 * the server holds under the flood is measured (heap after a full GC).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http2 from 'node:http2';
import { once } from 'node:events';
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import { setImmediate } from 'node:timers/promises';
import { SpanKind } from '@opentelemetry/api';
import { status as Status } from '@grpc/grpc-js';
import { telemetry } from '../../src/instrumentation.ts';
import { createStreamlabClient } from '../../src/client/streamlab-client.ts';
import type { StreamlabClient } from '../../src/client/streamlab-client.ts';
import { createBackoff } from '../../src/core/backoff.ts';
import { createSubscriber } from '../../src/fleet/subscriber.ts';
import { createServer, SERVER_DEFAULTS } from '../../src/server/create-server.ts';
import { createLocalTopics } from '../../src/services/streamlab-services.ts';
import { createTickerService } from '../../src/services/ticker-service.ts';
import { createTelemetryDeps } from '../../src/telemetry/create-telemetry-deps.ts';
import { startHarness } from '../helpers/harness.ts';
import type { Harness } from '../helpers/harness.ts';
import { startCli } from '../helpers/cli.ts';
import { pollProcesses } from '../helpers/processes.ts';
import { startPausablePipe } from '../helpers/pausable-pipe.ts';
import { openStuckSubscribers } from '../helpers/stuck-subscriber.ts';

const TEXT_4K = 'n'.repeat(4_096);

/** A harness serving Ticker alone, topics without ticks, `maxQueuedBytes` per stream. */
function tickerHarness(maxQueuedBytes: number, server: { maxConcurrentStreams?: number } = {}): Promise<Harness> {
  return startHarness({ server: { services: [createTickerService(createLocalTopics({ tickMs: 0 }), { maxQueuedBytes })], ...server } });
}

/** A client with its own registry. */
function clientOf(target: string): StreamlabClient {
  return createStreamlabClient(createTelemetryDeps({ pipeline: telemetry, logger: { level: 'error' } }), { target });
}

/**
 * Sends 4 KiB Notify calls to `topic` until one reaches no subscriber, at most `max`.
 * @returns how many were sent
 */
async function notifyUntilNobodyListens(client: StreamlabClient, topic: string, max: number): Promise<number> {
  for (let sent = 1; sent <= max; sent++) {
    const reply = await client.notify({ topic, text: TEXT_4K }).response;
    if (reply?.delivered === 0) return sent;
  }
  throw new Error(`subscribers still listening after ${max} Notify calls`);
}

test('subscribers that stop reading end RESOURCE_EXHAUSTED past the bound, with the event and the metric', async (t) => {
  const maxQueuedBytes = 64 * 1024;
  const harness = await tickerHarness(maxQueuedBytes);
  const client = clientOf(harness.target);
  const stuck = openStuckSubscribers(harness.target, [
    ...Array.from({ length: 5 }, () => ({ topic: 'flood', count: 0 })),
    ...Array.from({ length: 5 }, () => ({ topic: 'flood', count: 0, follow: true })),
  ]);
  t.after(async () => {
    stuck.close();
    client.close();
    await harness.close();
  });
  await stuck.streaming;
  const sent = await notifyUntilNobodyListens(client, 'flood', 1_000);
  // Every stream took what its bound allows, then ended: nowhere near 1,000 × 4 KiB each.
  assert.ok(sent <= Math.ceil(maxQueuedBytes / TEXT_4K.length) + 2, `the last subscriber overflowed after ${sent} Notify calls`);
  t.diagnostic(`10 stuck subscribers, bound ${maxQueuedBytes} bytes: all ended after ${sent} Notify calls of 4 KiB`);
  await telemetry.forceFlush();
  const ends = harness.observer.ends().filter((end) => end.side === 'server' && end.method === 'Subscribe');
  assert.equal(ends.length, 10);
  for (const end of ends) {
    assert.equal(end.grpcCode, Status.RESOURCE_EXHAUSTED);
    assert.equal(end.endCause, 'failed');
    assert.match(end.details, /^the client reads too slowly: \d+ bytes are queued for this stream and a message of \d+ would pass the bound of 65536 \(--max-queued-bytes\)/);
  }
  // Span mode contrib names the span `grpc.…` (instrumentation-grpc).
  const spans = harness.spans.spans().filter((span) => span.kind === SpanKind.SERVER && span.name.endsWith('streamlab.v1.Ticker/Subscribe'));
  assert.equal(spans.length, 10);
  for (const span of spans) {
    const overflow = span.events.find((event) => event.name === 'backpressure.overflow');
    assert.ok(overflow, 'backpressure.overflow event');
    const queued = Number(overflow.attributes?.['streamlab.backpressure.queued_bytes']);
    const message = Number(overflow.attributes?.['streamlab.backpressure.message_bytes']);
    assert.equal(overflow.attributes?.['streamlab.backpressure.limit_bytes'], maxQueuedBytes);
    assert.ok(queued <= maxQueuedBytes && queued + message > maxQueuedBytes, `queued ${queued} + ${message} passes ${maxQueuedBytes}`);
  }
  assert.equal(await harness.metric('streamlab_backpressure_overflows_total', { side: 'server', scenario: 'none', grpc_service: 'streamlab.v1.Ticker' }), 10);
  assert.equal(await harness.metric('grpc_server_handled_total', { grpc_method: 'Subscribe', grpc_code: 'ResourceExhausted' }), 10);
});

test('a fleet subscriber whose reader stalls overflows, resumes after its last id and loses nothing', async (t) => {
  const harness = await tickerHarness(64 * 1024);
  const pipe = await startPausablePipe(harness.address);
  const publisher = clientOf(harness.target);
  const clientDeps = createTelemetryDeps({ pipeline: telemetry, logger: { level: 'error' } });
  const subscriberClient = createStreamlabClient(clientDeps, { target: pipe.target });
  const ids = new Set<number>();
  let seen: (() => void) | undefined;
  const subscriber = createSubscriber({
    client: subscriberClient, metrics: clientDeps.metrics.fleet,
    backoff: createBackoff({ initialMs: 10, maxMs: 50, jitter: 0 }),
    onEvent: (event) => {
      ids.add(Number(event.id));
      seen?.();
    },
  }, 'sub-1', 'stall');
  t.after(async () => {
    await subscriber.stop();
    subscriberClient.close();
    publisher.close();
    await pipe.close();
    await harness.close();
  });
  subscriber.start();
  assert.ok(await pollProcesses(() => subscriber.view().state === 'streaming', 10_000), 'the subscriber is streaming');
  const untilSeen = async (id: number, boundMs = 10_000) => {
    const deadline = Date.now() + boundMs;
    while (!ids.has(id)) {
      if (Date.now() > deadline) throw new Error(`event ${id} not received in ${boundMs} ms; ${JSON.stringify(subscriber.view())} ${JSON.stringify(subscriber.attempts)} server ends ${JSON.stringify(harness.observer.ends().filter((end) => end.side === "server").map((end) => [end.method, end.endCause, end.grpcCode, end.sent]))}`);
      await new Promise<void>((resolve) => {
        seen = resolve;
        setTimeout(resolve, 50);
      });
    }
  };
  await publisher.notify({ topic: 'stall', text: 'first' }).response;
  await untilSeen(1);
  pipe.pause();
  // Publish until the server ends the stalled stream (the bound passed); none is lost.
  let published = 1;
  const overflowed = harness.observer.nextEvent('stream.end', 20_000);
  while (harness.observer.ends().filter((end) => end.side === 'server' && end.grpcCode === Status.RESOURCE_EXHAUSTED).length === 0) {
    assert.ok(published < 500, 'the stalled stream overflowed within 500 Notify calls');
    await publisher.notify({ topic: 'stall', text: TEXT_4K }).response;
    published += 1;
  }
  await overflowed;
  pipe.resume();
  await untilSeen(published);
  const view = subscriber.view();
  assert.equal(view.last_event_id, published);
  assert.equal(ids.size, published, 'every id from 1 to the last received');
  assert.equal(view.gaps, 0, 'nothing lost');
  assert.ok(view.reconnects >= 1, 'it resumed');
  const overflow = subscriber.attempts.find((attempt) => attempt.endCause === 'failed');
  assert.ok(overflow, `an attempt ended by the overflow: ${JSON.stringify(subscriber.attempts)}`);
  t.diagnostic(`published ${published}, received ${ids.size}, reconnects ${view.reconnects}, duplicates ${view.duplicates}`);
});

test('the server advertises SETTINGS_MAX_CONCURRENT_STREAMS: 10,000 by default, or as configured', async (t) => {
  for (const [options, expected] of [[{}, SERVER_DEFAULTS.maxConcurrentStreams], [{ maxConcurrentStreams: 7 }, 7]] as const) {
    const harness = await tickerHarness(1_048_576, options);
    const session = http2.connect(`http://${harness.target}`);
    t.after(async () => {
      session.destroy();
      await harness.close();
    });
    await once(session, 'remoteSettings');
    assert.equal(session.remoteSettings.maxConcurrentStreams, expected);
  }
});

/** A full garbage collection (V8's `gc`, exposed for this process). */
const collectGarbage: () => void = (() => {
  v8.setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
})();

/**
 * What the process holds after full garbage collections, bytes: the JS heap and ArrayBuffers
 * (Buffers). Collected three times, a turn of the event loop apart, so what callbacks still
 * held at the first one (weak references, pending I/O callbacks) is gone by the last.
 */
async function retainedBytes(): Promise<number> {
  for (let i = 0; i < 3; i++) {
    await setImmediate();
    collectGarbage();
  }
  const { heapUsed, arrayBuffers } = process.memoryUsage();
  return heapUsed + arrayBuffers;
}

test('50 stuck subscribers: 2,000 more Notify calls of 4 KiB leave the server holding nothing more (heap after GC, measured)', async (t) => {
  // A server whose telemetry keeps nothing per call (no span capture, no lifecycle observer,
  // logs at error) and whose topic history (100 events) is full before the measurement: what
  // it retains then is what the streams hold.
  const server = createServer(createTelemetryDeps({ pipeline: telemetry, logger: { level: 'error' } }), {
    services: [createTickerService(createLocalTopics({ tickMs: 0, historySize: 100 }), { maxQueuedBytes: 256 * 1024 })],
  });
  const address = await server.listen({ host: '127.0.0.1', port: 0 });
  const target = `127.0.0.1:${address.port}`;
  const client = clientOf(target);
  const subscribers = 50;
  const stuck = openStuckSubscribers(target, Array.from({ length: subscribers }, (_, i) => ({ topic: 'flood', count: 0, follow: i % 2 === 0 })));
  t.after(async () => {
    stuck.close();
    client.close();
    await server.shutdown(0);
  });
  await stuck.streaming;
  let reachedLast = 0;
  const flood = async (from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const reply = await client.notify({ topic: 'flood', text: TEXT_4K }).response;
      if ((reply?.delivered ?? 0) > 0) reachedLast = i + 1;
    }
  };
  // The first 500 fill every stuck stream's bound (and warm the process up); 2,000 more follow.
  // 1,500 calls first: every stuck stream overflows within the first 64, and the process's own
  // warm-up (JIT, pools) is over; then 2,000 more.
  await flood(0, 1_500);
  const before = await retainedBytes();
  await flood(1_500, 3_500);
  const grown = (await retainedBytes()) - before;
  t.diagnostic(`retained after 1,500 Notify calls ${(before / 2 ** 20).toFixed(1)} MiB, grew ${(grown / 2 ** 20).toFixed(2)} MiB over 2,000 more; `
    + `the last subscriber overflowed after ${reachedLast} Notify calls`);
  assert.ok(reachedLast < 1_500, 'every stuck subscriber overflowed');
  // Without the bound the 2,000 calls leave 100,000 more messages queued: measured here on
  // the code before the bound, the retained heap grew by 33 MiB.
  assert.ok(grown < 2 * 2 ** 20, `retained ${grown} bytes more`);
});

test('serve: the bounds are flags with env defaults; bad values exit 2 naming them', async () => {
  const help = await startCli(['serve', '--help'], { env: { STREAMLAB_MAX_QUEUED_BYTES: '65536' }, boundMs: 20_000 }).done;
  assert.equal(help.code, 0);
  assert.match(help.stdout, /--max-queued-bytes <bytes>[\s\S]*\(default:\s+65536\)/);
  assert.match(help.stdout, /--max-concurrent-streams <n>[\s\S]*\(default:\s+10000\)/);
  const badFlag = await startCli(['serve', '--max-concurrent-streams', '0'], { boundMs: 20_000 }).done;
  assert.equal(badFlag.code, 2);
  assert.match(badFlag.stderr, /--max-concurrent-streams/);
  const badEnv = await startCli(['serve', '--help'], { env: { STREAMLAB_MAX_QUEUED_BYTES: 'lots' }, boundMs: 20_000 }).done;
  assert.equal(badEnv.code, 2);
  assert.equal(badEnv.stderr.trim(), 'error: STREAMLAB_MAX_QUEUED_BYTES="lots" is not allowed: use an integer from 1 to 2147483647');
});

test('serve --max-queued-bytes and --max-concurrent-streams reach the server', async (t) => {
  const serve = startCli(['serve', '--host', '127.0.0.1', '--port', '0', '--metrics-port', '0', '--tick-ms', '0', '--log-level', 'error',
    '--max-queued-bytes', '65536', '--max-concurrent-streams', '7']);
  t.after(() => void serve.child.kill('SIGKILL'));
  const listening = await serve.output('stderr', /serving gRPC on 127\.0\.0\.1:(\d+)/, 20_000);
  const target = `127.0.0.1:${/serving gRPC on 127\.0\.0\.1:(\d+)/.exec(listening)?.[1]}`;
  const session = http2.connect(`http://${target}`);
  t.after(() => session.destroy());
  await once(session, 'remoteSettings');
  assert.equal(session.remoteSettings.maxConcurrentStreams, 7);
  const client = clientOf(target);
  const stuck = openStuckSubscribers(target, [{ topic: 'flood', count: 0, follow: true }]);
  t.after(() => {
    stuck.close();
    client.close();
  });
  await stuck.streaming;
  const sent = await notifyUntilNobodyListens(client, 'flood', 100);
  assert.ok(sent <= Math.ceil(65_536 / TEXT_4K.length) + 2, `overflowed after ${sent} Notify calls`);
});
