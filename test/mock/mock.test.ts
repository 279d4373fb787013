/**
 * `streamlab mock` with the fixture proto and scripts in examples/mock: every RPC kind from
 * its script, templates over the request, state, conditions, close, error codes, a message
 * limit, each transport fault with both sides' end causes, scripts refused at their
 * position, and run-time template errors that end one stream while the server keeps serving.
 * Real sockets, an observed client, telemetry in memory.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { status as Status } from '@grpc/grpc-js';
import { context } from '@opentelemetry/api';
import { createDynamicClient } from '../../src/client/dynamic-client.ts';
import type { DynamicClient } from '../../src/client/dynamic-client.ts';
import { createMockServer } from '../../src/mock/mock-server.ts';
import type { MockServer } from '../../src/mock/mock-server.ts';
import { ScriptError } from '../../src/mock/script-error.ts';
import { createRunDirectory } from '../../src/scenarios/run-directory.ts';
import type { ScenarioRun } from '../../src/scenarios/run-directory.ts';
import { createTelemetryDeps } from '../../src/telemetry/create-telemetry-deps.ts';
import type { StreamEnd } from '../../src/telemetry/lifecycle-event.ts';
import { SpanKind } from '@opentelemetry/api';
import { telemetry } from '../../src/instrumentation.ts';

const PROTO = 'examples/mock/chat.proto';
const SCRIPTS = 'examples/mock/scripts';
const runs = createRunDirectory();
const deps = createTelemetryDeps({ runs, logger: { format: 'json', level: 'error' } });
const clients = new Map<string, DynamicClient>();
let mock: MockServer;
let target: string;
let scenarios = 0;

async function client(method: string): Promise<DynamicClient> {
  let existing = clients.get(method);
  if (!existing) {
    // Keepalive 1 s / 1 s: a blackholed connection is noticed within ~2 s.
    existing = await createDynamicClient(deps, { target, method: `chat.v1.Chat/${method}`, protoPaths: [PROTO], keepaliveTimeMs: 1_000, keepaliveTimeoutMs: 1_000 });
    clients.set(method, existing);
  }
  return existing;
}

/** Runs `open` in a fresh scenario run so the server's end record can be told apart. */
function inScenario<T>(open: () => T): { scenario: ScenarioRun; result: T } {
  const scenario = runs.open(`mock-${++scenarios}`);
  return { scenario, result: context.with(scenario.context(), open) };
}

/** A server stream of `method`: its messages, both ends. */
async function serverStream(method: string, request: unknown): Promise<{ messages: any[]; client: StreamEnd; server: StreamEnd | undefined }> {
  const stub = await client(method);
  const { scenario, result: call } = inScenario(() => stub.serverStream(request));
  const messages: any[] = [];
  call.call.on('data', (message) => messages.push(message));
  const clientEnd = await call.ended;
  return { messages, client: clientEnd, server: await scenario.nextEnd('server', 10_000) };
}

before(async () => {
  mock = createMockServer(deps, { protos: [PROTO], scriptsDir: SCRIPTS, seed: 7, keepaliveTimeMs: 1_000, keepaliveTimeoutMs: 1_000 });
  const bound = await mock.listen({ host: '127.0.0.1', port: 0 });
  target = `127.0.0.1:${bound.port}`;
});
after(async () => {
  for (const stub of clients.values()) stub.close();
  await mock.close(0);
});

describe('scripted streams of every kind', () => {
  test('a fixed server stream: four messages from the timeline, then OK on both sides', async () => {
    const { messages, client: clientEnd, server } = await serverStream('Countdown', {});
    assert.deepEqual(messages.map((m) => [m.n, m.note]), [[3, ''], [2, ''], [1, ''], [0, 'liftoff']]);
    assert.equal(clientEnd.endCause, 'completed');
    assert.equal(server?.endCause, 'completed');
    assert.equal(server?.service, 'chat.v1.Chat');
    assert.equal(server?.messages, 4);
  });

  test('a templated server stream reads the request: name, tags[0], tags.length, a uuid', async () => {
    const { messages } = await serverStream('Greetings', { name: 'bo', tags: ['x', 'y'] });
    assert.equal(messages[0].greeting, 'hi bo');
    assert.match(messages[0].id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.equal(messages[1].greeting, 'first tag x of 2');
    assert.ok(messages[2].lucky >= 1 && messages[2].lucky <= 6);
    const untagged = await serverStream('Greetings', { name: 'cy' });
    assert.equal(untagged.messages.length, 2, 'the condition on tags.length skipped a line');
  });

  test('unary: the first matching in rule answers; an empty name is INVALID_ARGUMENT', async () => {
    const stub = await client('Hello');
    const ok = stub.unary({ name: 'ada' });
    const reply = await ok.response as { greeting: string; lucky: number };
    assert.equal(reply.greeting, 'hello ada');
    assert.ok(reply.lucky >= 1 && reply.lucky <= 9);
    const refused = stub.unary({});
    const end = await refused.ended;
    assert.equal(end.grpcCode, Status.INVALID_ARGUMENT);
    assert.equal(end.details, 'name is required');
    assert.equal(end.endCause, 'failed');
    assert.equal(end.received, 0, 'no response, no received message (grpc-js hands the interceptor null)');
  });

  test('client streaming: chunks folded into one response through the stream state', async () => {
    const stub = await client('Upload');
    const upload = stub.clientStream();
    upload.call.write({ size: 3 });
    upload.call.write({ size: 4 });
    upload.call.write({ size: 5 });
    upload.call.end();
    assert.deepEqual(await upload.response, { chunks: 3, bytes: 12 });
    assert.equal((await upload.ended).endCause, 'completed');
  });

  test('bidi chat: join, text gated on auth (a condition on state), leave closes with OK', async () => {
    const stub = await client('Talk');
    const { scenario, result: talk } = inScenario(() => stub.bidiStream());
    const replies: any[] = [];
    talk.call.on('data', (message) => replies.push(message));
    for (const message of [{ type: 'JOIN', user: 'ada' }, { text: 'hi' }, { type: 'AUTH', text: 'secret' }, { text: 'hello' }, { type: 'LEAVE' }]) talk.call.write(message);
    const end = await talk.ended;
    assert.deepEqual(replies.map((m) => `${m.type} ${m.user}: ${m.text}`), [
      'TEXT server: welcome', 'JOIN server: ada joined', 'TEXT server: authenticate first', 'AUTH server: ok', 'TEXT ada: echo: hello', 'LEAVE server: bye ada',
    ]);
    assert.equal(end.endCause, 'completed');
    assert.equal((await scenario.nextEnd('server', 5_000))?.endCause, 'completed');
  });

  test('bidi: a wrong secret ends the chat with the scripted UNAUTHENTICATED', async () => {
    const stub = await client('Talk');
    const talk = stub.bidiStream();
    talk.call.on('data', () => {});
    talk.call.write({ type: 'AUTH', text: 'guess' });
    const end = await talk.ended;
    assert.equal(end.grpcCode, Status.UNAUTHENTICATED);
    assert.equal(end.details, 'bad secret');
  });

  test('a method without a script answers UNIMPLEMENTED naming the file it looked for', async () => {
    const stub = await client('Missing');
    const end = await stub.unary({ name: 'x' }).ended;
    assert.equal(end.grpcCode, Status.UNIMPLEMENTED);
    assert.equal(end.details, `no mock script for this method: looked for ${join(SCRIPTS, 'chat.v1.Chat', 'Missing.jsonl')}`);
  });
});

describe('endings: close, error, each transport fault — both sides', () => {
  const spans = telemetry.captureSpans();
  after(() => spans.stop());
  const cases: Array<[mode: string, client: string[], server: string[], code: Status]> = [
    ['close', ['completed'], ['completed'], Status.OK],
    ['error', ['failed'], ['failed'], Status.FAILED_PRECONDITION],
    ['reset', ['connection_reset'], ['connection_reset'], Status.UNAVAILABLE],
    ['fin', ['connection_closed'], ['connection_closed'], Status.UNAVAILABLE],
    ['blackhole', ['keepalive_timeout'], ['keepalive_timeout'], Status.UNAVAILABLE],
    ['goaway', ['server_shutdown'], ['server_shutdown'], Status.UNAVAILABLE],
  ];
  for (const [mode, clientCauses, serverCauses, code] of cases) {
    test(`mode ${mode}: client ${clientCauses.join('|')}, server ${serverCauses.join('|')}`, async () => {
      const { messages, client: clientEnd, server } = await serverStream('Doomed', { mode });
      assert.deepEqual(messages.slice(0, 2).map((m) => m.n), [1, 2]);
      assert.ok(clientCauses.includes(clientEnd.endCause), `client ${clientEnd.endCause} (${clientEnd.details})`);
      assert.equal(clientEnd.grpcCode, code);
      assert.ok(server && serverCauses.includes(server.endCause), `server ${server?.endCause}`);
      if (mode === 'error') assert.equal(clientEnd.details, 'doomed by script (error)');
      // The mocked stream is observed like every call: its SERVER span carries the end cause.
      await telemetry.forceFlush();
      const span = spans.spans().find((candidate) => candidate.kind === SpanKind.SERVER && candidate.spanContext().traceId === server!.traceId);
      assert.equal(span?.attributes['streamlab.end_cause'], server!.endCause);
      assert.equal(span?.attributes['rpc.method'], 'Doomed');
      assert.equal(span?.attributes['streamlab.messages.sent'], server!.sent);
      if (mode === 'close') assert.equal(messages.at(-1).note, 'closing');
    });
  }

  test('a run-time template error ends that stream INTERNAL naming the line and the expression; the server keeps serving', async () => {
    const { client: broken } = await serverStream('Doomed', { mode: 'broken' });
    assert.equal(broken.grpcCode, Status.INTERNAL);
    assert.match(broken.details, /examples\/mock\/scripts\/chat\.v1\.Chat\/Doomed\.jsonl:10: template failed: .*request\.nothing\.here/);
    const { client: escape } = await serverStream('Doomed', { mode: 'escape' });
    assert.equal(escape.grpcCode, Status.INTERNAL);
    assert.match(escape.details, /Doomed\.jsonl:11: .*member "constructor" is not allowed/);
    const after = await serverStream('Countdown', {});
    assert.equal(after.client.endCause, 'completed');
  });
});

describe('limits and refusals', () => {
  test('the message limit ends a stream with RESOURCE_EXHAUSTED', async () => {
    const limited = createMockServer(deps, { protos: [PROTO], scriptsDir: SCRIPTS, limits: { maxMessages: 2 } });
    const bound = await limited.listen({ host: '127.0.0.1', port: 0 });
    const stub = await createDynamicClient(deps, { target: `127.0.0.1:${bound.port}`, method: 'chat.v1.Chat/Countdown', protoPaths: [PROTO] });
    try {
      const call = stub.serverStream({});
      const messages: unknown[] = [];
      call.call.on('data', (message) => messages.push(message));
      const end = await call.ended;
      assert.equal(messages.length, 2);
      assert.equal(end.grpcCode, Status.RESOURCE_EXHAUSTED);
      assert.match(end.details, /2 messages sent on this stream \(--max-messages\)/);
    } finally {
      stub.close();
      await limited.close(0);
    }
  });

  /** A scripts directory with one Hello script of `lines`. */
  function scriptsWith(lines: string): string {
    const dir = mkdtempSync(join(tmpdir(), 'streamlab-mock-'));
    mkdirSync(join(dir, 'chat.v1.Chat'));
    writeFileSync(join(dir, 'chat.v1.Chat', 'Hello.jsonl'), lines);
    return dir;
  }

  for (const [what, lines, where, message] of [
    ['JSON that does not parse', '// ok\n{"dir":"in","response":{}}\n{"dir":"out" "text":{}}\n', ':3:14', /not JSON: Expected ',' or '}' after property value in JSON at position 13$/],
    ['an unknown dir', '{"dir":"sideways"}', ':1:2', /dir "sideways" must be "out"/],
    ['an unknown fault', '{"dir":"out","fault":"meteor"}', ':1:14', /fault "meteor" is not one of reset, close, blackhole, goaway/],
    ['a bad status code', '{"dir":"out","error":"x","code":"NOPE"}', ':1:26', /code "NOPE" is not a gRPC status/],
    ['a template syntax error', '{"dir":"out","text":{"a":"{{request.name +}}"}}', ':1:', /"request\.name \+"/],
    ['a template reaching for constructor', '{"dir":"out","text":{"a":"{{request.constructor}}"}}', ':1:', /constructor/],
    ['a condition reaching for process', '{"dir":"out","condition":"process.exit(1)","text":{}}', ':1:', /process/],
    ['a __proto__ state key', '{"dir":"out","__proto__":1}', ':1:', /__proto__/],
    ['a reply field the message type does not have', '// fine\n{"dir":"in","response":{"greting":"hi"}}', ':2: the message does not fit chat.v1.HelloReply', /greting/],
  ] as const) {
    test(`a script with ${what} is refused at file:line:column`, () => {
      const dir = scriptsWith(lines);
      assert.throws(() => createMockServer(deps, { protos: [PROTO], scriptsDir: dir }), (error: unknown) => {
        assert.ok(error instanceof ScriptError, String(error));
        assert.ok(error.message.startsWith(`${join(dir, 'chat.v1.Chat', 'Hello.jsonl')}${where}`), error.message);
        assert.match(error.message, message);
        return true;
      });
    });
  }
});
