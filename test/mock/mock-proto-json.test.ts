/**
 * The source's own scripts run (issue 16 item 7): messages written as JSON strings with
 * templates inside, beside objects, for `text` and `response`; messages in the proto3 JSON
 * mapping everywhere — scripts, patterns and `load --data` — with the well-known types
 * (Timestamp as RFC 3339, Duration as "1.5s", wrappers, Struct/Value), 64-bit integers as
 * strings or numbers and bytes as base64. The fixture examples/mock/feed.proto and its scripts
 * are called with grpcurl (a client that is not grpc-js) and with load's dynamic client.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mockScripts } from '../helpers/mock-scripts.ts';
import { status as Status } from '@grpc/grpc-js';
import { createDynamicClient } from '../../src/client/dynamic-client.ts';
import { createMockServer } from '../../src/mock/mock-server.ts';
import type { MockServer } from '../../src/mock/mock-server.ts';
import { ScriptError } from '../../src/mock/script-error.ts';
import { createTelemetryDeps } from '../../src/telemetry/create-telemetry-deps.ts';
import { grpcurl, grpcurlJson } from '../helpers/grpcurl.ts';

const FEED = 'examples/mock/feed.proto';
const CHAT = 'examples/mock/chat.proto';
const deps = createTelemetryDeps({ logger: { format: 'json', level: 'error' } });
const RFC3339 = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;

describe('examples/mock/feed.proto through grpcurl', () => {
  let mock: MockServer;
  let target: string;
  before(async () => {
    mock = createMockServer(deps, { protos: [FEED], scriptsDir: 'examples/mock/scripts', seed: 3 });
    target = `127.0.0.1:${(await mock.listen({ host: '127.0.0.1', port: 0 })).port}`;
  });
  after(() => mock.close(0));

  test('the source\'s form: "text" as a JSON string, {{request.topics[0]}} and a Timestamp from {{now}}', async () => {
    const lines = (await grpcurl(target, ['feed.v1.Feed/Subscribe'], { topics: ['prices', 'rates'] })).trim().split(/\n(?=\{)/).map((text) => JSON.parse(text));
    assert.equal(lines.length, 3);
    assert.deepEqual(lines.map((update) => [update.topic, update.sequence]), [['prices', '1'], ['prices', '2'], ['prices', '3']]);
    assert.match(lines[0].timestamp, RFC3339, 'the {{now}} text became a google.protobuf.Timestamp');
    assert.ok(Math.abs(Date.parse(lines[0].timestamp) - Date.now()) < 60_000);
    assert.equal(lines[1].timestamp, '2024-05-01T10:00:00.250Z', 'an offset is kept as the instant');
  });

  test('every well-known type in a string-form response; the Timestamp pattern matches the instant in any offset', async () => {
    const description = await grpcurlJson(target, 'feed.v1.Feed/Describe', { id: 'a1', since: '2024-01-01T01:00:00+01:00' });
    assert.deepEqual(description, {
      id: 'a1', created: '2024-01-01T00:00:00Z', ttl: '1.500s', views: '9007199254740993', nickname: 'ada',
      labels: { team: 'sre', tier: 1 }, extra: [1, 'two', null], balance: '-42', size: '18446744073709551615', digest: 'aGVsbG8=',
    });
  });

  test('the request\'s view shows a Duration as proto3 JSON text, which the response takes back', async () => {
    const description = await grpcurlJson<Record<string, string>>(target, 'feed.v1.Feed/Describe', { id: 'b2', since: '2024-01-02T00:00:00Z', within: '90.5s' });
    assert.equal(description.ttl, '90.500s');
    assert.equal(description.nickname, 'b2');
    assert.match(description.created!, RFC3339);
  });

  test('load --data in the proto3 JSON mapping: a Timestamp as RFC 3339, a Duration as "1.5s", json names', async () => {
    const client = await createDynamicClient(deps, { target, method: 'feed.v1.Feed/Describe', protoPaths: [FEED] });
    try {
      const request = { id: 'c3', since: '2023-12-31T19:00:00-05:00', within: '1.5s' };
      client.checkRequest(request);
      const reply = await client.unary(request).response as Record<string, unknown>;
      assert.equal(reply.nickname, 'ada', 'the pattern on since matched');
      assert.throws(() => client.checkRequest({ since: 'yesterday' }), /google\.protobuf\.Timestamp from JSON: invalid RFC 3339 string/);
    } finally {
      client.close();
    }
  });
});

describe('the string form in scripts', () => {
  test('a value with quotes and backslashes cannot break the JSON of a string-form message', async () => {
    const { dir } = mockScripts('chat.v1.Chat', 'Hello', '{"dir":"in","text":".*","response":"{\\"greeting\\":\\"hi {{request.name}}\\",\\"lucky\\":\\"{{randInt 7 7}}\\"}"}\n');
    const mock = createMockServer(deps, { protos: [CHAT], scriptsDir: dir });
    const target = `127.0.0.1:${(await mock.listen({ host: '127.0.0.1', port: 0 })).port}`;
    try {
      const reply = await grpcurlJson<Record<string, unknown>>(target, 'chat.v1.Chat/Hello', { name: 'a "quoted" \\ name' });
      assert.deepEqual(reply, { greeting: 'hi a "quoted" \\ name', lucky: 7 });
    } finally {
      await mock.close(0);
    }
  });

  test('a template outside the JSON strings renders first; text that is then not JSON ends the stream INTERNAL naming the line', async () => {
    const { dir, file } = mockScripts('chat.v1.Chat', 'Countdown', [
      '{"dir":"out","text":"{\\"n\\": {{request.from * 2}}}"}',
      '{"dir":"out","ts":10,"text":"{\\"n\\": {{request.mode}}}"}',
    ].join('\n'));
    const mock = createMockServer(deps, { protos: [CHAT], scriptsDir: dir });
    const target = `127.0.0.1:${(await mock.listen({ host: '127.0.0.1', port: 0 })).port}`;
    const client = await createDynamicClient(deps, { target, method: 'chat.v1.Chat/Countdown', protoPaths: [CHAT] });
    try {
      const call = client.serverStream({ from: 21, mode: 'oops' });
      const ticks: Array<{ n: number }> = [];
      call.call.on('data', (tick) => ticks.push(tick));
      const end = await call.ended;
      assert.deepEqual(ticks.map((tick) => tick.n), [42]);
      assert.equal(end.grpcCode, Status.INTERNAL);
      assert.match(end.details, new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:2: template failed: the rendered message is not JSON \\(Unexpected token 'o'`));
    } finally {
      client.close();
      await mock.close(0);
    }
  });

  for (const [what, line, where, message] of [
    ['a string that is not JSON even with its templates rendered', '{"dir":"out","text":"{\\"n\\": }"}', ':1:21', /the message is not JSON, even with its templates rendered as 0/],
    ['a string-form message that is not an object', '{"dir":"out","text":"[1,2]"}', ':1:22', /a message written as a string must be a JSON object/],
    ['a template syntax error inside a string-form message', '{"dir":"out","text":"{\\"note\\":\\"{{request.mode +}}\\"}"}', ':1:', /syntax error/],
    ['a field the type does not have, in a string-form message', '{"dir":"out","text":"{\\"nope\\":1}"}', ':1: the message does not fit chat.v1.Tick: "nope" is not a field of chat.v1.Tick; its fields are n, note', /nope/],
    ['a pattern field the request does not have', '{"dir":"in","text":{"mood":"x"},"response":{}}', ':1: text: the pattern does not fit chat.v1.CountdownRequest: "mood" is not a field', /mood/],
    ['a pattern value that does not fit its field', '{"dir":"in","text":{"from":"many"},"response":{}}', ':1: text: the pattern does not fit chat.v1.CountdownRequest: "from": ', /int32/],
  ] as const) {
    test(`${what} is refused at load, at file:line(:column)`, () => {
      const { dir, file } = mockScripts('chat.v1.Chat', 'Countdown', `${line}\n`);
      assert.throws(() => createMockServer(deps, { protos: [CHAT], scriptsDir: dir }), (error: unknown) => {
        assert.ok(error instanceof ScriptError, String(error));
        assert.ok(error.message.startsWith(`${file}${where}`), error.message);
        assert.match(error.message, message);
        return true;
      });
    });
  }

  test('patterns are written in any proto3 JSON form: a json name and an enum by number match the view', async () => {
    const { dir } = mockScripts('chat.v1.Chat', 'Talk', '{"dir":"in","text":{"type":1},"response":{"text":"joined"}}\n{"dir":"in","text":".*","response":{"text":"other"}}\n');
    const mock = createMockServer(deps, { protos: [CHAT], scriptsDir: dir });
    const target = `127.0.0.1:${(await mock.listen({ host: '127.0.0.1', port: 0 })).port}`;
    try {
      const replies = (await grpcurl(target, ['chat.v1.Chat/Talk'], { type: 'JOIN' })) + (await grpcurl(target, ['chat.v1.Chat/Talk'], { type: 'AUTH' }));
      assert.deepEqual([...replies.matchAll(/"text": "(\w+)"/g)].map((match) => match[1]), ['joined', 'other']);
    } finally {
      await mock.close(0);
    }
  });
});
