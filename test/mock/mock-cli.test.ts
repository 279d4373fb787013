/**
 * `streamlab mock` from the command line: serves the fixture, grpcurl lists and calls it
 * through reflection (no proto files), a bad script exits 2 with one line naming its
 * position, --help explains the format, SIGTERM drains and exits 0.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { grpcurl, grpcurlJson } from '../helpers/grpcurl.ts';
import { startCli } from '../helpers/cli.ts';

const cli = (args: string[], env: Record<string, string> = {}) => startCli(args, { env });

test('mock serves the fixture: grpcurl lists and calls it without proto files; SIGTERM exits 0', async () => {
  const mock = cli(['mock', '--proto', 'examples/mock/chat.proto', '--scripts', 'examples/mock/scripts', '--host', '127.0.0.1', '--port', '0', '--metrics-port', '0', '--seed', '1']);
  const banner = /serving chat\.v1\.Chat on \S+:(\d+)/;
  const [, port] = banner.exec(await mock.output('stderr', banner, 20_000))!;
  const target = `127.0.0.1:${port}`;
  const services = (await grpcurl(target, ['list'])).trim().split('\n');
  assert.deepEqual(services, ['chat.v1.Chat', 'grpc.channelz.v1.Channelz', 'grpc.health.v1.Health', 'grpc.reflection.v1.ServerReflection', 'grpc.reflection.v1alpha.ServerReflection']);
  assert.match(await grpcurl(target, ['describe', 'chat.v1.ChatMessage']), /\.chat\.v1\.Kind type = 1;/);
  const reply = await grpcurlJson<{ greeting: string }>(target, 'chat.v1.Chat/Hello', { name: 'ada' });
  assert.equal(reply.greeting, 'hello ada');
  const ticks = await grpcurl(target, ['chat.v1.Chat/Countdown'], {});
  assert.match(ticks, /"note": "liftoff"/);
  await assert.rejects(grpcurl(target, ['chat.v1.Chat/Doomed'], { mode: 'reset' }), /connection reset by peer/);
  mock.child.kill('SIGTERM');
  const result = await mock.done;
  assert.equal(result.code, 0, result.stderr);
});

test('a script that does not parse: exit 2, one line with file:line:column', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'streamlab-mock-cli-'));
  mkdirSync(join(dir, 'chat.v1.Chat'));
  writeFileSync(join(dir, 'chat.v1.Chat', 'Talk.jsonl'), '{"dir":"in","text":{"type":"JOIN"}}\n{"dir":"out","ts":"soon"}\n');
  const result = await cli(['mock', '--proto', 'examples/mock/chat.proto', '--scripts', dir, '--port', '0', '--metrics-port', '0']).done;
  assert.equal(result.code, 2);
  assert.equal(result.stderr.trim(), `error: ${join(dir, 'chat.v1.Chat', 'Talk.jsonl')}:2:14: ts "soon" must be a number of ms or a template that yields one`);
});

test('a proto that does not exist and a bad STREAMLAB_MOCK_* variable: exit 2, one line', async () => {
  const missing = await cli(['mock', '--proto', 'nope.proto', '--scripts', 'examples/mock/scripts']).done;
  assert.equal(missing.code, 2);
  assert.equal(missing.stderr.trim(), 'error: cannot load the protos: --proto nope.proto: no such file');
  const badEnv = await cli(['mock', '--help'], { STREAMLAB_MOCK_MAX_MESSAGES: '0' }).done;
  assert.equal(badEnv.code, 2);
  assert.equal(badEnv.stderr.trim(), 'error: STREAMLAB_MOCK_MAX_MESSAGES="0" is not allowed: use an integer ≥ 1');
});

test('mock --help explains the script format and the limits', async () => {
  const result = await cli(['mock', '--help']).done;
  assert.equal(result.code, 0);
  for (const words of ['<package.Service>/<Method>.jsonl', 'fault', 'reset|close|blackhole|goaway', '--stream-timeout-ms', '--max-messages', '--latency-min-ms', '--seed', 'STREAMLAB_MOCK_']) {
    assert.ok(result.stdout.includes(words), `--help mentions ${words}`);
  }
});
