/**
 * Small pure pieces: end-cause classification, the wire-size formula, option parsing,
 * environment config, status mapping and socket fate.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { once } from 'node:events';
import { InvalidArgumentError } from 'commander';
import { classifyClientEnd, connectErrorOf } from '../src/rpc/client/classify-client-end.ts';
import { integerIn } from '../src/cli/parse-integer.ts';
import { loadEnvConfig, ConfigError } from '../src/config.ts';
import { StreamlabError, toStatus } from '../src/core/errors.ts';
import { loadStreamlabProto } from '../src/core/proto.ts';
import { methodInfoOf, splitMethodPath } from '../src/core/method-info.ts';
import { fromTimestamp, toTimestamp } from '../src/core/timestamp.ts';
import { checkDropRate } from '../src/client/delivery-client.ts';
import { watchSocketFate, settledFate } from '../src/core/socket-fate.ts';
import { grpcCodeLabel, grpcCodeName, isServerError } from '../src/telemetry/grpc-status.ts';
import { classifyTransportEnd, deadlinePassed } from '../src/rpc/server/classify-server-end.ts';
import { CATALOGUE, CORE_SCENARIOS, expandMatrix, parseRpcKinds, selectScenarios, withCount } from '../src/scenarios/catalogue.ts';
import { expectationFor } from '../src/scenarios/scenario.ts';

test('client end causes follow design §2', () => {
  const fate = (kind: 'fin' | 'rst' | 'local') => ({ kind, atMs: 0 });
  assert.equal(classifyClientEnd({ code: 0, cancelledByClient: false }), 'completed');
  assert.equal(classifyClientEnd({ code: 1, cancelledByClient: true }), 'client_cancelled');
  assert.equal(classifyClientEnd({ code: 1, cancelledByClient: false }), 'failed', 'a CANCELLED we did not ask for');
  assert.equal(classifyClientEnd({ code: 4, cancelledByClient: false }), 'deadline_exceeded');
  assert.equal(classifyClientEnd({ code: 14, cancelledByClient: false, serverCause: 'server_shutdown' }), 'server_shutdown');
  assert.equal(classifyClientEnd({ code: 14, cancelledByClient: false, fate: fate('fin') }), 'connection_closed');
  assert.equal(classifyClientEnd({ code: 14, cancelledByClient: false, fate: fate('rst') }), 'connection_reset');
  assert.equal(classifyClientEnd({ code: 14, cancelledByClient: false, fate: fate('local') }), 'keepalive_timeout');
  assert.equal(classifyClientEnd({ code: 3, cancelledByClient: false, serverCause: 'failed' }), 'failed');
  assert.equal(classifyClientEnd({ code: 14, cancelledByClient: false }), 'failed', 'UNAVAILABLE on a live socket');
});

test('method info: the RPC kind from the definition flags, sizes from the serializers (any proto)', () => {
  const { Ticker, Delivery } = loadStreamlabProto().streamlab.v1;
  const kinds = [Ticker.service.Notify, Ticker.service.Publish, Ticker.service.Subscribe, Delivery.service.Exchange].map((d) => methodInfoOf(d).kind);
  assert.deepEqual(kinds, ['unary', 'client_stream', 'server_stream', 'bidi_stream']);
  const subscribe = methodInfoOf(Ticker.service.Subscribe);
  assert.equal(subscribe.service, 'streamlab.v1.Ticker');
  assert.equal(subscribe.method, 'Subscribe');
  const event = { id: 128, sentAt: { seconds: 1_795_000_000, nanos: 5 }, topic: 'ünïcode', payload: Buffer.alloc(70_000) };
  assert.equal(subscribe.responseBytes(event), Ticker.service.Subscribe.responseSerialize(event).length);
  assert.equal(subscribe.requestBytes({ topic: 't', count: 3 }), Ticker.service.Subscribe.requestSerialize({ topic: 't', count: 3 }).length);
  assert.equal(subscribe.responseBytes({ payload: 42 }), 0, 'a message the serializer rejects has no known size');
  assert.throws(() => splitMethodPath('Subscribe'), /method path "Subscribe" is not of the form \/package.Service\/Method/);
});

test('timestamps: to and from proto, an unset one is no age at all', () => {
  assert.deepEqual(toTimestamp(1_795_000_000_123.5), { seconds: 1_795_000_000, nanos: 123_500_000 });
  assert.equal(fromTimestamp({ seconds: 1_795_000_000, nanos: 123_500_000 }), 1_795_000_000_123.5);
  assert.equal(fromTimestamp({ seconds: 0, nanos: 0 }), undefined, 'a foreign server that leaves sent_at unset');
  assert.equal(fromTimestamp(null), undefined);
});

test('the --rpc matrix: transport scenarios over each kind, others once', () => {
  assert.deepEqual(parseRpcKinds('all'), ['unary', 'client_stream', 'server_stream', 'bidi_stream']);
  assert.deepEqual(parseRpcKinds('unary'), ['unary']);
  assert.throws(() => parseRpcKinds('stream'), /--rpc "stream" is not allowed: use one of unary, client_stream, server_stream, bidi_stream, all/);
  const matrix = expandMatrix(selectScenarios(['cancel', 'ack-retry']), ['unary', 'bidi_stream']);
  assert.deepEqual(matrix.map((s) => `${s.name}/${s.rpc}`), ['cancel/unary', 'cancel/bidi_stream', 'ack-retry/bidi_stream']);
  assert.deepEqual(selectScenarios([]).map((s) => s.name), ['completion', 'cancel', 'disconnect', 'blackhole'], 'no names: the core set, not ack-retry');
});

test('drop rate: 0 to 1, anything else named', () => {
  assert.equal(checkDropRate(0.1), 0.1);
  for (const bad of [-0.1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) assert.throws(() => checkDropRate(bad), new RegExp(`drop rate ${bad} is not allowed: use a number from 0 to 1`));
});

test('integer options accept the range and name bad values', () => {
  const parse = integerIn(0, 10);
  assert.equal(parse('0'), 0);
  assert.equal(parse(' 10 '), 10);
  for (const bad of ['11', '-1', '1.5', 'abc', '', '1e3']) {
    assert.throws(() => parse(bad), (error: unknown) => error instanceof InvalidArgumentError && error.message === `expected an integer from 0 to 10, got "${bad}"`);
  }
});

test('environment config: defaults by terminal, bad values named', () => {
  assert.deepEqual(loadEnvConfig({}, true), { logFormat: 'pretty', mock: {}, scenarioLabels: [], serve: {} });
  assert.deepEqual(loadEnvConfig({}, false), { logFormat: 'json', mock: {}, scenarioLabels: [], serve: {} });
  assert.deepEqual(loadEnvConfig({ STREAMLAB_LOG_FORMAT: 'json', STREAMLAB_LOG_LEVEL: 'debug' }, true), { logFormat: 'json', logLevel: 'debug', mock: {}, scenarioLabels: [], serve: {} });
  assert.deepEqual(loadEnvConfig({ STREAMLAB_MAX_QUEUED_BYTES: '65536', STREAMLAB_MAX_CONCURRENT_STREAMS: '100' }, true).serve, { maxQueuedBytes: 65_536, maxConcurrentStreams: 100 });
  assert.throws(() => loadEnvConfig({ STREAMLAB_MAX_QUEUED_BYTES: '1e9x' }, true), /STREAMLAB_MAX_QUEUED_BYTES="1e9x" is not allowed: use an integer from 1 to 2147483647/);
  assert.throws(() => loadEnvConfig({ STREAMLAB_MAX_CONCURRENT_STREAMS: '0' }, true), /STREAMLAB_MAX_CONCURRENT_STREAMS="0" is not allowed/);
  assert.deepEqual(loadEnvConfig({ STREAMLAB_SCENARIO_LABELS: 'canary, load-a,' }, true).scenarioLabels, ['canary', 'load-a']);
  assert.throws(() => loadEnvConfig({ STREAMLAB_SCENARIO_LABELS: 'ok,has space' }, true), /STREAMLAB_SCENARIO_LABELS has "has space": a scenario label is 1 to 64 letters, digits/);
  assert.throws(() => loadEnvConfig({ STREAMLAB_RPC_SPANS: 'stock' }, true), /STREAMLAB_RPC_SPANS="stock" is not allowed: use one of streamlab, contrib/);
  assert.deepEqual(loadEnvConfig({ STREAMLAB_MOCK_STREAM_TIMEOUT_MS: '0', STREAMLAB_MOCK_MAX_MESSAGES: '5', STREAMLAB_MOCK_LATENCY_MIN_MS: '1', STREAMLAB_MOCK_LATENCY_MAX_MS: '9', STREAMLAB_MOCK_SEED: '42' }, false).mock,
    { streamTimeoutMs: 0, maxMessages: 5, latencyMinMs: 1, latencyMaxMs: 9, seed: 42 });
  assert.throws(() => loadEnvConfig({ STREAMLAB_MOCK_LATENCY_MAX_MS: '1.5' }, true), /STREAMLAB_MOCK_LATENCY_MAX_MS="1.5" is not allowed: use an integer ≥ 0/);
  assert.throws(() => loadEnvConfig({ STREAMLAB_LOG_LEVEL: 'loud' }, true), (error: unknown) =>
    error instanceof ConfigError && error.message === 'STREAMLAB_LOG_LEVEL="loud" is not allowed: use one of error, warn, info, debug');
  assert.throws(() => loadEnvConfig({ STREAMLAB_TELEMETRY: 'maybe' }, true), /STREAMLAB_TELEMETRY="maybe" is not allowed: use one of on, off/);
});

test('toStatus keeps a StreamlabError code and turns anything else into INTERNAL', () => {
  const cause = new Error('disk on fire');
  assert.deepEqual([toStatus(new StreamlabError(5, 'no such topic', { cause })).code, toStatus(new StreamlabError(5, 'no such topic')).details], [5, 'no such topic']);
  assert.equal(toStatus(cause).code, 13);
  assert.equal(toStatus(cause).details, 'internal error: disk on fire');
  assert.equal(toStatus('a string').details, 'internal error: a string');
});

test('status names: semconv server errors, go-grpc-prometheus labels, canonical names', () => {
  assert.deepEqual([0, 1, 2, 3, 4, 5, 12, 13, 14, 15, 16].filter(isServerError), [2, 4, 12, 13, 14, 15]);
  assert.equal(grpcCodeLabel(1), 'Canceled');
  assert.equal(grpcCodeLabel(14), 'Unavailable');
  assert.equal(grpcCodeName(1), 'CANCELLED');
  assert.equal(grpcCodeName(99), 'CODE_99');
});

test('socket fate: peer FIN, reset, and our own close', async (t) => {
  const accepted: net.Socket[] = [];
  const server = net.createServer((socket) => {
    socket.on('error', () => {});
    accepted.push(socket);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.after(() => server.close());
  const { port } = server.address() as net.AddressInfo;
  const connect = async () => {
    const socket = net.connect(port, '127.0.0.1');
    socket.on('error', () => {});
    await once(socket, 'connect');
    while (accepted.length === 0) await new Promise((resolve) => setImmediate(resolve));
    return { socket, peer: accepted.shift() as net.Socket };
  };
  const fin = await connect();
  const finWatch = watchSocketFate(fin.socket);
  fin.peer.end();
  assert.equal((await finWatch.settled).kind, 'fin');
  fin.socket.destroy();

  const rst = await connect();
  const rstWatch = watchSocketFate(rst.socket);
  rst.peer.resetAndDestroy();
  const rstFate = await rstWatch.settled;
  assert.equal(rstFate.kind, 'rst');
  assert.equal(rstFate.errorCode, 'ECONNRESET');

  const local = await connect();
  const localWatch = watchSocketFate(local.socket);
  assert.equal(await settledFate(localWatch, 20), undefined, 'still open');
  local.socket.end();
  assert.equal((await localWatch.settled).kind, 'local');
  local.peer.destroy();
});

test('server cancel classification from the connection fate (design §1)', () => {
  const fate = (kind: 'fin' | 'rst' | 'local') => ({ kind, atMs: 0 });
  assert.equal(classifyTransportEnd(undefined, undefined, false), 'client_cancelled', 'connection still open');
  assert.equal(classifyTransportEnd(fate('fin'), fate('fin'), true), 'connection_closed');
  assert.equal(classifyTransportEnd(fate('rst'), fate('rst'), false), 'connection_reset');
  assert.equal(classifyTransportEnd(undefined, fate('local'), false), 'keepalive_timeout', 'we ended a silent connection after the cancel');
  assert.equal(classifyTransportEnd(fate('local'), fate('local'), false), 'keepalive_timeout');
  assert.equal(classifyTransportEnd(undefined, fate('fin'), true), 'client_cancelled', 'the peer left after cancelling');
  assert.equal(classifyTransportEnd(undefined, fate('local'), true), 'client_cancelled', 'we answered the leaving peer\'s GOAWAY first');
});

test('scenario expectations: the embedded proxy is the reference, backends override with a reason', () => {
  const [, , disconnect, blackhole] = CORE_SCENARIOS;
  assert.ok(disconnect && blackhole);
  assert.equal(expectationFor(disconnect, 'embedded').server, 'connection_reset');
  assert.equal(expectationFor(disconnect, 'toxiproxy').server, 'connection_closed');
  assert.equal(expectationFor(blackhole, 'toxiproxy').client, 'keepalive_timeout', 'unchanged fields stay');
  assert.equal(expectationFor(blackhole, 'toxiproxy').server, 'connection_closed');
  assert.match(expectationFor(blackhole, 'toxiproxy').why, /^Toxiproxy's timeout toxic/, "the backend's reason replaces the reference's");
  assert.match(expectationFor(blackhole, 'embedded').why, /keepalive PING/);
});

test('a cancel just before the server copy of the deadline counts as the deadline', () => {
  const now = 1_000_000;
  assert.equal(deadlinePassed(Infinity, now), false, 'no deadline');
  assert.equal(deadlinePassed(new Date(now - 1), now), true);
  assert.equal(deadlinePassed(now + 30, now), true, 'the client timer fired first; skew allowed');
  assert.equal(deadlinePassed(now + 51, now), false, 'well before the deadline: a real cancel');
});

test('classifyClientEnd: UNAVAILABLE with no connection ever carrying the call is connect_failed', () => {
  assert.equal(classifyClientEnd({ code: 14, cancelledByClient: false, connected: false }), 'connect_failed');
  assert.equal(classifyClientEnd({ code: 14, cancelledByClient: false, connected: true }), 'failed', 'UNAVAILABLE on a live socket');
  assert.equal(classifyClientEnd({ code: 4, cancelledByClient: false, connected: false }), 'deadline_exceeded', 'waitForReady until the deadline');
  assert.equal(classifyClientEnd({ code: 1, cancelledByClient: true, connected: false }), 'client_cancelled', 'cancelled while connecting');
  assert.equal(classifyClientEnd({ code: 14, cancelledByClient: false, connected: false, serverCause: 'server_shutdown' }), 'server_shutdown');
});

test('connectErrorOf reads the OS error from grpc-js status details', () => {
  const cases: Array<[string, string | undefined]> = [
    ['No connection established. Last error: Error: connect ECONNREFUSED 127.0.0.1:1. Resolution note: ', 'ECONNREFUSED'],
    ['No connection established. Last error: Error: connect EHOSTUNREACH 10.255.0.1:50051', 'EHOSTUNREACH'],
    ['No connection established. Last error: Error: connect ENETUNREACH 2001:db8::1:50051', 'ENETUNREACH'],
    ['No connection established. Last error: Error: connect ETIMEDOUT 10.0.0.1:50051', 'ETIMEDOUT'],
    ['Name resolution failed for target dns:nosuch.invalid:50051', 'name not resolved'],
    ['No connection established. Last error: Error: getaddrinfo ENOTFOUND nosuch.invalid', 'ENOTFOUND'],
    ['No connection established. Last error: Error: getaddrinfo EAI_AGAIN flaky.example', 'EAI_AGAIN'],
    ['Connection dropped', undefined],
    ['EXECONNREFUSEDX', undefined],
  ];
  for (const [details, expected] of cases) assert.equal(connectErrorOf(details), expected, details);
});

test('withCount changes finite streams only, and refuses a count its triggers cannot fit', () => {
  const [kill, cancel, completion] = selectScenarios(['server-kill', 'cancel', 'completion']);
  assert.equal(withCount(kill!, 3).count, 3);
  assert.equal(withCount(completion!, 7).count, 7);
  assert.equal(withCount(cancel!, 3), cancel, 'a never-ending stream stays so');
  assert.throws(() => withCount(kill!, 1), /--count 1 is too small for "server-kill": it acts after 1 message\(s\), so use at least 2/);
});

test('every catalogue scenario has a summary and a reason, and its name is unique', () => {
  assert.equal(new Set(CATALOGUE.map((scenario) => scenario.name)).size, CATALOGUE.length);
  for (const scenario of CATALOGUE) {
    assert.ok(scenario.summary.length > 20, scenario.name);
    assert.ok(scenario.expect.why.length > 20, scenario.name);
  }
});
