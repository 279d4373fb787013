/**
 * A handler's reaction must not mask how the call ended (issue 16 item 1), proven with a
 * client that is not grpc-js: Python grpcio (gRPC C-core, test/helpers/grpcio_peer.py). For each
 * RPC kind, on streamlab's own services (Ticker/Notify, Ticker/Publish, Ticker/Subscribe,
 * Delivery/Exchange) and on the mock (the fixture proto examples/mock/chat.proto: Hello,
 * Upload, Countdown, Talk), the client opens the call, sends no message, and then
 * (a) cancels it: the server's end is client_cancelled;
 * (b) is SIGKILLed while it holds the call open: the kernel closes its socket, the server's
 *     end is connection_closed or connection_reset.
 * Never `failed`, whatever status the handler (or grpc-js, for a unary request that never
 * came) answered to the end of input it saw first.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createMockServer } from '../../src/mock/mock-server.ts';
import type { MockServer } from '../../src/mock/mock-server.ts';
import type { RpcKind } from '../../src/core/method-info.ts';
import type { StreamlabServer } from '../../src/server/create-server.ts';
import type { StreamEnd } from '../../src/telemetry/lifecycle-event.ts';
import { startHarness } from '../helpers/harness.ts';
import type { Harness } from '../helpers/harness.ts';
import { startGrpcioPeer } from '../helpers/grpcio-peer.ts';
import { pollProcesses } from '../helpers/processes.ts';

/** The method of each kind, on the streamlab server and on the mock. */
const METHODS: Record<'streamlab' | 'mock', Record<RpcKind, string>> = {
  streamlab: {
    unary: '/streamlab.v1.Ticker/Notify',
    client_stream: '/streamlab.v1.Ticker/Publish',
    server_stream: '/streamlab.v1.Ticker/Subscribe',
    bidi_stream: '/streamlab.v1.Delivery/Exchange',
  },
  mock: {
    unary: '/chat.v1.Chat/Hello',
    client_stream: '/chat.v1.Chat/Upload',
    server_stream: '/chat.v1.Chat/Countdown',
    bidi_stream: '/chat.v1.Chat/Talk',
  },
};

let harness: Harness;
let mock: MockServer;
let mockTarget: string;

before(async () => {
  harness = await startHarness();
  mock = createMockServer(harness.deps, { protos: ['examples/mock/chat.proto'], scriptsDir: 'examples/mock/scripts', keepaliveTimeMs: 1_000, keepaliveTimeoutMs: 1_000 });
  const bound = await mock.listen({ host: '127.0.0.1', port: 0 });
  mockTarget = `127.0.0.1:${bound.port}`;
});
after(async () => {
  await mock.close(0);
  await harness.close();
});

/** Waits until `server` holds more than `before` calls open, at most `boundMs` (the call reached the observation layer). */
async function callOpened(server: StreamlabServer, before: number, boundMs = 10_000): Promise<void> {
  if (!(await pollProcesses(() => server.activeStreams > before, boundMs))) throw new Error(`the server saw no new call in ${boundMs} ms`);
}

/** The first server end on `path` not in `known`, waiting at most `boundMs` for it. */
async function newServerEnd(path: string, known: ReadonlySet<StreamEnd>, boundMs = 10_000): Promise<StreamEnd> {
  const find = () => harness.observer.ends().find((end) => end.side === 'server' && !known.has(end) && `/${end.service}/${end.method}` === path);
  for (const until = Date.now() + boundMs; !find() && Date.now() < until;) await harness.observer.nextEvent('stream.end', until - Date.now());
  const found = find();
  if (!found) throw new Error(`no server end on ${path} in ${boundMs} ms`);
  return found;
}

/** Opens `path` on `server` from a grpcio client, does `act`, returns the server's end of that call. */
async function endOf(server: StreamlabServer, target: string, path: string, act: 'cancel' | 'die'): Promise<StreamEnd> {
  const known = new Set(harness.observer.ends());
  const before = server.activeStreams;
  const peer = startGrpcioPeer(target, path);
  try {
    await peer.printed('open');
    await callOpened(server, before);
    if (act === 'cancel') {
      peer.cancel();
      await peer.printed('cancelled');
    } else {
      await peer.kill();
    }
    return await newServerEnd(path, known);
  } finally {
    await peer.close();
  }
}

const where = (server: 'streamlab' | 'mock'): [StreamlabServer, string] => server === 'mock' ? [mock.server, mockTarget] : [harness.server, harness.target];

for (const server of ['streamlab', 'mock'] as const) {
  for (const [kind, path] of Object.entries(METHODS[server]) as Array<[RpcKind, string]>) {
    test(`${server} ${kind} ${path}: a grpcio client that cancels before its first message ends client_cancelled`, async () => {
      const end = await endOf(...where(server), path, 'cancel');
      assert.equal(end.rpc, kind);
      assert.equal(end.endCause, 'client_cancelled', `not masked by the handler's status (${end.grpcCode} ${end.details})`);
      assert.equal(end.received, 0);
    });
    test(`${server} ${kind} ${path}: a grpcio client SIGKILLed holding the call open ends connection_closed or connection_reset`, async () => {
      const end = await endOf(...where(server), path, 'die');
      assert.equal(end.rpc, kind);
      assert.ok(['connection_closed', 'connection_reset'].includes(end.endCause), `got ${end.endCause} (${end.grpcCode} ${end.details})`);
      assert.equal(end.received, 0);
    });
  }
}
