/**
 * The admin services every server serves (src/server/admin/admin-services.ts), on a real
 * server on port 0 with real sockets: health Check and Watch through a drain, reflection
 * and channelz through grpcurl (test/helpers/grpcurl.ts: built by stack/install-tools.sh),
 * and a Watch cancelled by its client observed like any stream. No fixed sleeps: every
 * wait is on an event, bounded.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { Socket } from 'node:net';
import { SpanKind } from '@opentelemetry/api';
import * as grpc from '@grpc/grpc-js';
import { service as healthDefinition } from 'grpc-health-check';
import { telemetry } from '../../src/instrumentation.ts';
import { createStreamlabClient } from '../../src/client/streamlab-client.ts';
import { createWatchedCredentials } from '../../src/rpc/client/watched-credentials.ts';
import { linkFileDescriptors } from '../../src/server/admin/file-descriptors.ts';
import { streamlabFileDescriptors } from '../../src/server/admin/reflection-service.ts';
import { startHarness } from '../helpers/harness.ts';
import type { Harness } from '../helpers/harness.ts';
import { grpcurl, grpcurlJson } from '../helpers/grpcurl.ts';

type TestContext = { after(fn: () => unknown): void };
type HealthResponse = { status: string };

/** A plain grpc-js client of grpc.health.v1.Health (the package's own definition). */
interface HealthClient extends grpc.Client {
  Check(request: { service: string }, callback: (error: grpc.ServiceError | null, response?: HealthResponse) => void): grpc.ClientUnaryCall;
  Watch(request: { service: string }): grpc.ClientReadableStream<HealthResponse>;
}
const Health = grpc.makeClientConstructor(healthDefinition as unknown as grpc.ServiceDefinition, 'Health');

const STREAMLAB_SERVICES = ['streamlab.v1.Delivery', 'streamlab.v1.Ticker'];
const ADMIN_SERVICES = [
  'grpc.channelz.v1.Channelz', 'grpc.health.v1.Health',
  'grpc.reflection.v1.ServerReflection', 'grpc.reflection.v1alpha.ServerReflection',
];

/** Rejects with "`what` not within `ms` ms" unless `promise` settles first. */
async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function setup(t: TestContext, options: Parameters<typeof startHarness>[0] = {}): Promise<Harness> {
  const harness = await startHarness(options);
  t.after(() => harness.close());
  return harness;
}

function healthClient(t: TestContext, target: string, credentials = grpc.credentials.createInsecure()): HealthClient {
  const client = new Health(target, credentials) as unknown as HealthClient;
  t.after(() => client.close());
  return client;
}

function check(client: HealthClient, service: string): Promise<{ status?: string; code?: number }> {
  return new Promise((resolve) => {
    client.Check({ service }, (error, response) => resolve(error ? { code: error.code } : { status: response?.status as string }));
  });
}

/** Every status a Watch call receives, in order, and a bounded wait for the next one to be `status`. */
function watchStatuses(call: grpc.ClientReadableStream<HealthResponse>) {
  const statuses: string[] = [];
  const waiters = new Set<{ status: string; resolve: () => void }>();
  call.on('data', (response: HealthResponse) => {
    statuses.push(response.status);
    for (const waiter of waiters) if (waiter.status === response.status) waiter.resolve();
  });
  const ended = new Promise<grpc.ServiceError | undefined>((resolve) => {
    call.on('error', resolve);
    call.on('end', () => resolve(undefined));
  });
  return {
    statuses,
    ended,
    until(status: string, what: string): Promise<void> {
      if (statuses.at(-1) === status) return Promise.resolve();
      return within(new Promise<void>((resolve) => waiters.add({ status, resolve })), 5_000, what);
    },
  };
}

test('health Check: SERVING for the server ("") and each streamlab service, NOT_FOUND for others', async (t) => {
  const harness = await setup(t);
  const client = healthClient(t, harness.target);
  for (const service of ['', ...STREAMLAB_SERVICES]) assert.deepEqual(await check(client, service), { status: 'SERVING' }, service);
  assert.deepEqual(await check(client, 'no.such.Service'), { code: grpc.status.NOT_FOUND });
});

test('health Watch: SERVING, then NOT_SERVING as soon as shutdown() starts, while a Ticker stream is still open', async (t) => {
  const harness = await setup(t);
  const client = healthClient(t, harness.target);
  const ticker = createStreamlabClient(harness.deps, { target: harness.target });
  t.after(() => ticker.close());
  const stream = ticker.subscribe({ topic: 'drain', count: 0, intervalMs: 10 });
  await within(once(stream.call, 'data'), 5_000, 'the first Ticker event');
  stream.call.resume();
  let tickerEnded = false;
  void stream.ended.then(() => (tickerEnded = true));

  const watches = ['', 'streamlab.v1.Ticker'].map((service) => watchStatuses(client.Watch({ service })));
  for (const watch of watches) await watch.until('SERVING', 'Watch: SERVING');
  const drained = harness.server.shutdown(300);
  for (const watch of watches) await watch.until('NOT_SERVING', 'Watch: NOT_SERVING after shutdown() started');
  assert.equal(tickerEnded, false, 'the Ticker stream is still open when health says NOT_SERVING');
  assert.equal(harness.server.activeStreams, 3, 'the Ticker stream and both Watch calls are draining');

  await within(drained, 5_000, 'the drain');
  for (const watch of watches) {
    assert.deepEqual(watch.statuses, ['SERVING', 'NOT_SERVING']);
    assert.equal((await watch.ended)?.code, grpc.status.UNAVAILABLE, 'Watch calls are cut after the grace period');
  }
  assert.equal((await stream.ended).endCause, 'server_shutdown');
  const watchLabels = { grpc_type: 'server_stream', grpc_service: 'grpc.health.v1.Health', grpc_method: 'Watch' };
  assert.equal(await harness.metric('grpc_server_handled_total', { ...watchLabels, grpc_code: 'Unavailable' }), 2);
  const ends = { side: 'server', end_cause: 'server_shutdown' };
  assert.equal(await harness.metric('streamlab_stream_ends_total', { ...ends, grpc_service: 'grpc.health.v1.Health' }), 2);
  assert.equal(await harness.metric('streamlab_stream_ends_total', { ...ends, grpc_service: 'streamlab.v1.Ticker' }), 1);
});

test('a health Watch cancelled by its client ends client_cancelled on the server, like any stream', async (t) => {
  const harness = await setup(t);
  const client = healthClient(t, harness.target);
  const call = client.Watch({ service: '' });
  const watch = watchStatuses(call);
  await watch.until('SERVING', 'Watch: SERVING');
  call.cancel();
  assert.equal((await watch.ended)?.code, grpc.status.CANCELLED);
  const end = await harness.observer.nextEnd('server', 5_000);
  assert.ok(end, 'the server recorded the end');
  assert.equal(end.endCause, 'client_cancelled');
  assert.deepEqual([end.service, end.method, end.rpc, end.sent], ['grpc.health.v1.Health', 'Watch', 'server_stream', 1]);
  const labels = { grpc_type: 'server_stream', grpc_service: 'grpc.health.v1.Health', grpc_method: 'Watch' };
  assert.equal(await harness.metric('grpc_server_handled_total', { ...labels, grpc_code: 'Canceled' }), 1);
  await telemetry.forceFlush();
  const span = harness.spans.spans().find((s) => s.kind === SpanKind.SERVER && s.spanContext().traceId === end.traceId);
  assert.equal(span?.attributes['streamlab.end_cause'], 'client_cancelled');
});

test('reflection\'s file descriptors name their dependencies (proto-loader leaves them empty)', async () => {
  const { default: descriptor } = await import('protobufjs/ext/descriptor/index.js');
  const files = linkFileDescriptors(streamlabFileDescriptors()).map((bytes) => descriptor.FileDescriptorProto.decode(bytes) as unknown as { name: string; dependency: string[] });
  const streamlab = files.find((file) => file.name === 'streamlab_v1.proto');
  assert.deepEqual(streamlab?.dependency, ['google_protobuf.proto'], 'the file declaring google.protobuf.Timestamp');
  assert.ok(files.some((file) => file.name === 'google_protobuf.proto'));
});

test('admin: false serves streamlab\'s services alone', async (t) => {
  const harness = await setup(t, { server: { admin: false } });
  assert.deepEqual(await check(healthClient(t, harness.target), ''), { code: grpc.status.UNIMPLEMENTED });
});

test('grpcurl list: streamlab\'s services and the admin services, through reflection', async (t) => {
  const harness = await setup(t);
  const listed = (await grpcurl(harness.target, ['list'])).trim().split('\n');
  assert.deepEqual(listed.sort(), [...ADMIN_SERVICES, ...STREAMLAB_SERVICES].sort());
});

test('grpcurl describe works without proto files: Ticker, a message with a Timestamp, and every listed service', async (t) => {
  const harness = await setup(t);
  const ticker = await grpcurl(harness.target, ['describe', 'streamlab.v1.Ticker']);
  assert.match(ticker, /rpc Subscribe \( \.streamlab\.v1\.SubscribeRequest \) returns \( stream \.streamlab\.v1\.Event \)/);
  assert.match(ticker, /rpc Notify \( \.streamlab\.v1\.NotifyRequest \) returns \( \.streamlab\.v1\.NotifyReply \)/);
  // google/protobuf/timestamp.proto is an import: reflection must name it as a dependency.
  const event = await grpcurl(harness.target, ['describe', 'streamlab.v1.Event']);
  assert.match(event, /\.google\.protobuf\.Timestamp sent_at = 2;/, 'field names as in the proto (snake_case)');
  assert.match(await grpcurl(harness.target, ['describe', 'google.protobuf.Timestamp']), /int64 seconds = 1;/);
  assert.match(await grpcurl(harness.target, ['describe', 'streamlab.v1.ExchangeStart']), /optional uint32 max_redeliveries = 4;/);
  // What protobufjs's descriptors get wrong, repaired (src/server/admin/file-descriptors.ts).
  assert.match(await grpcurl(harness.target, ['describe', 'grpc.health.v1.HealthListResponse']), /map<string, \.grpc\.health\.v1\.HealthCheckResponse> statuses = 1;/);
  assert.match(await grpcurl(harness.target, ['describe', 'grpc.channelz.v1.ChannelRef']), /reserved 3, 4, 5, 6, 7, 8;/);
  for (const service of [...ADMIN_SERVICES, ...STREAMLAB_SERVICES]) {
    assert.match(await grpcurl(harness.target, ['describe', service]), new RegExp(`^${service.replaceAll('.', '\\.')} is a service:`), service);
  }
  // A call through reflection alone.
  assert.deepEqual(await grpcurlJson(harness.target, 'grpc.health.v1.Health/Check', { service: 'streamlab.v1.Ticker' }), { status: 'SERVING' });
});

interface ChannelzSocket {
  ref: { socket_id: string; name?: string };
  data: { streams_started?: string; messages_sent?: string };
  local?: { tcpip_address?: { port?: number } };
  remote?: { tcpip_address?: { port?: number } };
}

test('channelz through grpcurl: GetServers and GetServerSockets list the injected connection of a connected client', async (t) => {
  const harness = await setup(t);
  const sockets: Socket[] = [];
  const client = healthClient(t, harness.target, createWatchedCredentials((socket) => sockets.push(socket)));
  const watch = watchStatuses(client.Watch({ service: '' }));
  await watch.until('SERVING', 'Watch: SERVING');
  const clientPort = sockets[0]?.localPort;
  assert.ok(clientPort, 'the client connected');

  const channelz = 'grpc.channelz.v1.Channelz';
  type Servers = { server: Array<{ ref: { server_id: string }; listen_socket?: Array<{ name?: string }> }> };
  const { server: servers } = await grpcurlJson<Servers>(harness.target, `${channelz}/GetServers`);
  const found: Array<{ listen: string[]; socket: ChannelzSocket }> = [];
  for (const server of servers) {
    type Refs = { socket_ref?: Array<{ socket_id: string }> };
    const { socket_ref: refs = [] } = await grpcurlJson<Refs>(harness.target, `${channelz}/GetServerSockets`, { server_id: server.ref.server_id });
    for (const ref of refs) {
      // Earlier grpcurl connections may be gone by now (NotFound).
      const reply = await grpcurlJson<{ socket: ChannelzSocket }>(harness.target, `${channelz}/GetSocket`, { socket_id: ref.socket_id }).catch(() => undefined);
      if (reply?.socket.remote?.tcpip_address?.port === clientPort) {
        found.push({ listen: (server.listen_socket ?? []).map((listen) => listen.name ?? ''), socket: reply.socket });
      }
    }
  }
  assert.equal(found.length, 1, `one server socket has the client's port ${clientPort} as its remote port`);
  const [{ listen, socket }] = found as [(typeof found)[number]];
  assert.equal(socket.local?.tcpip_address?.port, harness.address.port, 'its local port is the server\'s');
  assert.ok(Number(socket.data.streams_started) >= 1 && Number(socket.data.messages_sent) >= 1, 'it carried the Watch call');
  // No grpc-js bound port: the injector is the server's only listen socket, without address.
  assert.deepEqual(listen, ['injector']);
});
