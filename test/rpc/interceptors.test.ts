/**
 * Facts about grpc-js (1.14) server interceptors that the observation layer is built on
 * (src/rpc/server/observed-server-call.ts), checked on a plain grpc-js server whose sockets
 * are injected (createConnectionInjector), as createServer's are — so a grpc-js upgrade that
 * changes them fails here first:
 * - the interceptor sees every call on an injected connection: its metadata, each message
 *   in and out, the half-close and the handler's status;
 * - `onCancel` follows every end, an OK status included;
 * - a client's cancel reaches it as `onCancel` with no status before it;
 * - grpc-js's own deadline timer ends a call without a status passing through it.
 * Then, for streamlab's server: the handler gets grpc-js's own call object, nothing patched
 * on it; and trace context and baggage cross from a streamlab client to a bare grpc-js
 * server through the OTel propagation API.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { once } from 'node:events';
import * as grpc from '@grpc/grpc-js';
import { context, trace, SpanKind } from '@opentelemetry/api';
import { telemetry } from '../../src/instrumentation.ts';
import { loadStreamlabProto } from '../../src/core/proto.ts';
import { createStreamlabClient } from '../../src/client/streamlab-client.ts';
import type { ServiceRegistration } from '../../src/server/service-registration.ts';
import { startHarness } from '../helpers/harness.ts';

type TestContext = { after(fn: () => unknown): void };

/** A grpc-js server with one recording interceptor, its sockets injected; returns its address and the events per call. */
async function recordingServer(t: TestContext, handlers: grpc.UntypedServiceImplementation) {
  const calls: string[][] = [];
  const interceptor: grpc.ServerInterceptor = (descriptor, call) => {
    const events: string[] = [descriptor.path.split('/')[2] as string];
    calls.push(events);
    return new grpc.ServerInterceptingCall(call, {
      start: (next) => next({
        onReceiveMetadata: (metadata, nextMetadata) => { events.push('metadata'); nextMetadata(metadata); },
        onReceiveMessage: (message, nextMessage) => { events.push('message in'); nextMessage(message); },
        onReceiveHalfClose: (nextHalfClose) => { events.push('half-close'); nextHalfClose(); },
        onCancel: () => void events.push('cancel'),
      }),
      sendMessage: (message, nextMessage) => { events.push('message out'); nextMessage(message); },
      sendStatus: (status, nextStatus) => { events.push(`status ${grpc.status[status.code]}`); nextStatus(status); },
    });
  };
  const server = new grpc.Server({ interceptors: [interceptor] });
  server.addService(loadStreamlabProto().streamlab.v1.Ticker.service, handlers);
  const injector = server.createConnectionInjector(grpc.ServerCredentials.createInsecure());
  const listener = net.createServer((socket) => injector.injectConnection(socket)).listen(0, '127.0.0.1');
  await once(listener, 'listening');
  t.after(() => {
    listener.close();
    server.forceShutdown();
  });
  const { Ticker } = loadStreamlabProto().streamlab.v1;
  const client = new Ticker(`127.0.0.1:${(listener.address() as net.AddressInfo).port}`, grpc.credentials.createInsecure());
  t.after(() => client.close());
  return { calls, client };
}

/** Resolves once `events` ends with `last` (bounded). */
async function until(events: string[] | undefined, last: string): Promise<void> {
  for (let i = 0; i < 200 && events?.at(-1) !== last; i++) await new Promise((resolve) => setImmediate(resolve));
}

test('grpc-js: an interceptor sees every call on an injected connection, and onCancel follows an OK status too', async (t) => {
  const { calls, client } = await recordingServer(t, {
    Notify: (_call: unknown, callback: grpc.sendUnaryData<unknown>) => callback(null, { delivered: 1 }),
  });
  await new Promise((resolve, reject) => client.notify({ topic: 't', text: 'x' }, (error: Error | null) => (error ? reject(error) : resolve(undefined))));
  await until(calls[0], 'cancel');
  assert.deepEqual(calls[0], ['Notify', 'metadata', 'message in', 'half-close', 'message out', 'status OK', 'cancel']);
});

test('grpc-js: a client cancel reaches the interceptor as onCancel with no status before it', async (t) => {
  const { calls, client } = await recordingServer(t, {
    Subscribe: (call: grpc.ServerWritableStream<unknown, unknown>) => void call.write({ id: 1 }),
  });
  const stream = client.subscribe({ topic: 't', count: 0 });
  stream.on('error', () => {});
  await once(stream, 'data');
  stream.cancel();
  await until(calls[0], 'cancel');
  assert.deepEqual(calls[0], ['Subscribe', 'metadata', 'message in', 'half-close', 'message out', 'cancel']);
});

test('grpc-js: its own deadline timer ends a call without a status passing through the interceptor', async (t) => {
  const { calls, client } = await recordingServer(t, { Subscribe: () => {} });
  const stream = client.subscribe({ topic: 't', count: 0 }, { deadline: Date.now() + 100 });
  stream.on('data', () => {});
  stream.on('error', () => {});
  const status = await new Promise<grpc.StatusObject>((resolve) => stream.on('status', resolve));
  assert.equal(status.code, grpc.status.DEADLINE_EXCEEDED);
  await until(calls[0], 'cancel');
  assert.deepEqual(calls[0], ['Subscribe', 'metadata', 'message in', 'half-close', 'cancel']);
});

test('streamlab: the handler gets grpc-js\'s own call; nothing is patched on it', async (t) => {
  const seen: string[][] = [];
  const { Ticker } = loadStreamlabProto().streamlab.v1;
  const probe: ServiceRegistration = {
    name: 'streamlab.v1.Ticker',
    definition: Ticker.service,
    handlers: {
      Subscribe(call: grpc.ServerWritableStream<unknown, unknown>) {
        // The methods the old layer replaced per call (write, end, push, sendMetadata, emit)
        // are the prototype's: the call carries no own function property at all.
        seen.push(Object.getOwnPropertyNames(call).filter((name) => typeof (call as unknown as Record<string, unknown>)[name] === 'function' && ['write', 'end', 'push', 'emit', 'sendMetadata'].includes(name)));
        call.write({ id: 1 });
        call.end();
      },
      Notify: (_call: unknown, callback: grpc.sendUnaryData<unknown>) => callback(null, {}),
      Publish: (_call: unknown, callback: grpc.sendUnaryData<unknown>) => callback(null, {}),
    },
  };
  const harness = await startHarness({ server: { services: [probe] } });
  t.after(() => harness.close());
  const client = createStreamlabClient(harness.deps, { target: harness.target });
  t.after(() => client.close());
  const stream = client.subscribe({ topic: 't', count: 1 });
  stream.call.resume();
  assert.equal((await stream.ended).endCause, 'completed');
  // Span mode contrib: the stock instrumentation wraps sendMetadata on every call (instrumentation-grpc's server patch).
  assert.deepEqual(seen, [telemetry.rpcSpans === 'contrib' ? ['sendMetadata'] : []]);
  const serverEnd = await harness.observer.nextEnd('server', 5_000);
  assert.equal(serverEnd?.endCause, 'completed', 'a handler that knows nothing of streamlab is observed all the same');
  assert.equal(serverEnd?.sent, 1);
});

test('trace context and baggage cross from a streamlab client to a bare grpc-js server (OTel propagation API)', { skip: !telemetry.enabled && 'telemetry off' }, async (t) => {
  let headers: grpc.Metadata | undefined;
  const bare = new grpc.Server();
  bare.addService(loadStreamlabProto().streamlab.v1.Ticker.service, {
    Notify: (call: grpc.ServerUnaryCall<unknown, unknown>, callback: grpc.sendUnaryData<unknown>) => {
      headers = call.metadata;
      callback(null, { delivered: 0 });
    },
    Subscribe: () => {},
    Publish: () => {},
  });
  const port = await new Promise<number>((resolve, reject) => bare.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))));
  t.after(() => bare.forceShutdown());
  const harness = await startHarness();
  t.after(() => harness.close());
  const client = createStreamlabClient(harness.deps, { target: `127.0.0.1:${port}` });
  t.after(() => client.close());
  const run = harness.runs.open('completion');
  const root = harness.deps.tracer.startSpan('root');
  const end = await context.with(trace.setSpan(run.context(), root), () => client.notify({ topic: 't', text: 'x' }).ended);
  root.end();
  assert.equal(end.endCause, 'completed');
  await telemetry.forceFlush();
  const clientSpan = harness.spans.spans().find((span) => span.spanContext().traceId === end.traceId && span.kind === SpanKind.CLIENT && span.name === (telemetry.rpcSpans === 'contrib' ? 'grpc.streamlab.v1.Ticker/Notify' : 'streamlab.v1.Ticker/Notify'));
  assert.ok(clientSpan, 'the CLIENT span');
  const [traceparent] = headers?.get('traceparent') ?? [];
  assert.equal(traceparent, `00-${end.traceId}-${clientSpan.spanContext().spanId}-01`, 'W3C traceparent: the CLIENT span is the parent');
  const baggage = String(headers?.get('baggage')[0] ?? '');
  assert.match(baggage, /streamlab\.scenario=completion/);
  assert.match(baggage, new RegExp(`streamlab\\.run=${run.id}`));
});
