/**
 * The mock's resources are bounded (issue 16 item 6): state and rendered messages are
 * capped (RESOURCE_EXHAUSTED naming the line, limits from flags and `STREAMLAB_MOCK_*`);
 * expressions and JSON nested past the documented depth are refused at load with
 * `file:line:column` instead of overflowing the stack.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mockScripts, bounded } from '../helpers/mock-scripts.ts';
import { status as Status } from '@grpc/grpc-js';
import { loadEnvConfig } from '../../src/config.ts';
import { createDynamicClient } from '../../src/client/dynamic-client.ts';
import { createMockServer } from '../../src/mock/mock-server.ts';
import type { MockLimits } from '../../src/mock/mock-runtime.ts';
import { ScriptError } from '../../src/mock/script-error.ts';
import { MAX_NESTING_DEPTH } from '../../src/mock/template/nesting-limit.ts';
import { createTelemetryDeps } from '../../src/telemetry/create-telemetry-deps.ts';
import type { StreamEnd } from '../../src/telemetry/lifecycle-event.ts';
import { runCli } from '../helpers/cli.ts';

const PROTO = 'examples/mock/chat.proto';
const deps = createTelemetryDeps({ logger: { format: 'json', level: 'error' } });

/** Serves `lines` as the Talk script with `limits`, sends `messages` on one chat, returns its end and replies. */
async function chat(lines: string, limits: Partial<MockLimits>, messages: unknown[]): Promise<{ end: StreamEnd; replies: unknown[]; file: string }> {
  const { dir, file } = mockScripts('chat.v1.Chat', 'Talk', lines);
  const mock = createMockServer(deps, { protos: [PROTO], scriptsDir: dir, limits });
  const bound = await mock.listen({ host: '127.0.0.1', port: 0 });
  const stub = await createDynamicClient(deps, { target: `127.0.0.1:${bound.port}`, method: 'chat.v1.Chat/Talk', protoPaths: [PROTO] });
  try {
    const talk = stub.bidiStream();
    const replies: unknown[] = [];
    talk.call.on('data', (message) => replies.push(message));
    for (const message of messages) talk.call.write(message);
    talk.call.end();
    return { end: await bounded(talk.ended, 10_000, 'Talk'), replies, file };
  } finally {
    stub.close();
    await mock.close(0);
  }
}

describe('resources are capped', () => {
  test('a state value that doubles per message ends the stream RESOURCE_EXHAUSTED naming the line, at the state limit', async () => {
    const doubling = '{"dir":"in","text":".*","blob":"{{(request.ws.state.blob || \'x\') + (request.ws.state.blob || \'x\')}}","response":{"user":"server"}}';
    const { end, replies, file } = await chat(`// doubles\n${doubling}\n`, { maxStateBytes: 1024 }, Array.from({ length: 40 }, () => ({ text: 'more' })));
    assert.equal(end.grpcCode, Status.RESOURCE_EXHAUSTED, end.details);
    assert.equal(end.details, `${file}:2: mock state limit: the stream's state is more than 1024 bytes as JSON (--max-state-bytes)`);
    assert.equal(replies.length, 9, 'blob of 2^9 = 512 fits; 1024 characters and the key do not');
  });

  test('a rendered message past the message limit ends the stream RESOURCE_EXHAUSTED naming the line', async () => {
    const echo = '{"dir":"in","text":".*","response":{"text":"{{request.ws.message.text + request.ws.message.text}}"}}';
    const { end, replies, file } = await chat(`${echo}\n`, { maxMessageBytes: 4096 }, [{ text: 'a'.repeat(1000) }, { text: 'b'.repeat(3000) }]);
    assert.equal(end.grpcCode, Status.RESOURCE_EXHAUSTED, end.details);
    assert.equal(end.details, `${file}:1: mock message limit: the rendered message is more than 4096 bytes as JSON (--max-message-bytes)`);
    assert.equal(replies.length, 1);
  });

  test('a state nested deeper than the nesting limit ends the stream RESOURCE_EXHAUSTED naming the line', async () => {
    const wrapping = '{"dir":"in","text":".*","deep":"{{[request.ws.state.deep]}}","response":{}}';
    const { end, replies, file } = await chat(`${wrapping}\n`, {}, Array.from({ length: MAX_NESTING_DEPTH + 5 }, () => ({})));
    assert.equal(end.grpcCode, Status.RESOURCE_EXHAUSTED, end.details);
    assert.equal(end.details, `${file}:1: mock state limit: the stream's state is nested more than ${MAX_NESTING_DEPTH} deep`);
    assert.equal(replies.length, MAX_NESTING_DEPTH - 1);
  });

  test('the limits come from flags and STREAMLAB_MOCK_* variables, validated with one line and exit 2', async () => {
    const help = await runCli(['mock', '--help'], { env: { STREAMLAB_MOCK_MAX_STATE_BYTES: '2048' }, boundMs: 20_000 });
    assert.equal(help.code, 0, help.stderr);
    assert.match(help.stdout, /--max-state-bytes <bytes>[^(]*\(default:\s+2048\)/);
    assert.match(help.stdout, /--max-message-bytes <bytes>[^(]*\(default:\s+4194304\)/);
    for (const [name, value] of [['STREAMLAB_MOCK_MAX_STATE_BYTES', '0'], ['STREAMLAB_MOCK_MAX_MESSAGE_BYTES', '1e3'], ['STREAMLAB_MOCK_MAX_MESSAGE_BYTES', '']] as const) {
      assert.throws(() => loadEnvConfig({ [name]: value }, false), { name: 'ConfigError', message: `${name}="${value}" is not allowed: use an integer ≥ 1` });
    }
    assert.deepEqual(loadEnvConfig({ STREAMLAB_MOCK_MAX_STATE_BYTES: '2048', STREAMLAB_MOCK_MAX_MESSAGE_BYTES: ' 4096 ' }, false).mock, { maxStateBytes: 2048, maxMessageBytes: 4096 });
    const badFlag = await runCli(['mock', '--proto', PROTO, '--scripts', 'examples/mock/scripts', '--max-state-bytes', 'lots'], { boundMs: 20_000 });
    assert.equal(badFlag.code, 2);
    assert.match(badFlag.stderr, /--max-state-bytes/);
  });
});

describe('nesting past the documented depth is refused at load', () => {
  const deep = MAX_NESTING_DEPTH + 1;
  const cases: Array<[what: string, line: string, column: number]> = [
    // 3,000 deep overflowed the stack: "cannot load the protos: Maximum call stack size exceeded".
    ['parentheses 3,000 deep in a template', `{"dir":"in","text":".*","response":{"greeting":"{{${'('.repeat(3000)}1${')'.repeat(3000)}}}"}}`, 51 + MAX_NESTING_DEPTH],
    ['brackets one past the limit in a condition', `{"dir":"out","condition":"${'['.repeat(deep)}1${']'.repeat(deep)}","text":{}}`, 27 + MAX_NESTING_DEPTH],
    ['unary operators one past the limit', `{"dir":"out","text":{"greeting":"{{${'!'.repeat(deep)}1}}"}}`, 36 + MAX_NESTING_DEPTH],
    ['a sum of more terms than the limit', `{"dir":"out","text":{"lucky":"{{1${'+1'.repeat(deep)}}}"}}`, 33],
    ['JSON arrays 5,000 deep', `{"dir":"out","text":{"greeting":${'['.repeat(5000)}${']'.repeat(5000)}}}`, 32 + MAX_NESTING_DEPTH],
  ];
  for (const [what, line, column] of cases) {
    test(`${what}: refused with file:line:column`, () => {
      const { dir, file } = mockScripts('chat.v1.Chat', 'Hello', `// deep\n${line}\n`);
      assert.throws(() => createMockServer(deps, { protos: [PROTO], scriptsDir: dir }), (error: unknown) => {
        assert.ok(error instanceof ScriptError, String(error));
        assert.ok(error.message.startsWith(`${file}:2:${column}: `), error.message);
        assert.match(error.message, new RegExp(`nested more than ${MAX_NESTING_DEPTH} deep`));
        return true;
      });
    });
  }

  test(`nesting at the limit (${MAX_NESTING_DEPTH}) loads and runs`, async () => {
    const parens = `{"dir":"in","text":".*","response":{"text":"{{${'('.repeat(MAX_NESTING_DEPTH - 1)}request.ws.message.text${')'.repeat(MAX_NESTING_DEPTH - 1)}}}"}}`;
    const { end, replies } = await chat(`${parens}\n`, {}, [{ text: 'deep' }]);
    assert.equal(end.grpcCode, Status.OK, end.details);
    assert.deepEqual(replies.map((reply) => (reply as { text: string }).text), ['deep']);
  });
});
