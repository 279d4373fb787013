/**
 * Mock script patterns against hostile input (issue 16 item 5): a pattern that would
 * backtrack exponentially does not freeze the mock (RE2, linear time), and one RE2 refuses
 * is refused at load with `file:line:column`.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mockScripts, bounded } from '../helpers/mock-scripts.ts';
import { grpcurl } from '../helpers/grpcurl.ts';
import { runCli, startCli } from '../helpers/cli.ts';

const PROTO = 'examples/mock/chat.proto';

describe('patterns run in linear time (RE2)', () => {
  test('(a+)+$ against 40 a and a ! does not block the mock: the chat answers and a health check from another client too', async () => {
    const { dir } = mockScripts('chat.v1.Chat', 'Talk', [
      '{"dir":"in","text":"(a+)+$","response":{"text":"matched"}}',
      '{"dir":"in","text":".*","response":{"text":"no match"}}',
    ].join('\n'));
    // In a child process: with a backtracking engine the mock's event loop stops for hours.
    const mock = startCli(['mock', '--proto', PROTO, '--scripts', dir, '--host', '127.0.0.1', '--port', '0', '--metrics-port', '0']);
    const banner = /serving chat\.v1\.Chat on \S+:(\d+)/;
    const target = `127.0.0.1:${banner.exec(await mock.output('stderr', banner, 20_000))![1]}`;
    try {
      const reply = await bounded(grpcurl(target, ['chat.v1.Chat/Talk'], { text: `${'a'.repeat(40)}!` }), 10_000, 'Talk');
      assert.match(reply, /"text": "no match"/);
      const health = await bounded(grpcurl(target, ['grpc.health.v1.Health/Check'], {}), 10_000, 'health check');
      assert.match(health, /"status": "SERVING"/);
    } finally {
      mock.child.kill('SIGKILL');
    }
  });

  for (const [what, regex, column] of [
    ['a backreference', '(a)\\\\1', 24],
    ['a lookahead', 'x(?=y)', 22],
  ] as const) {
    test(`a pattern with ${what}, which RE2 refuses, is refused at load with file:line:column (exit 2)`, async () => {
      const { dir, file } = mockScripts('chat.v1.Chat', 'Talk', `// a rule\n{"dir":"in","text":"${regex}","response":{}}\n`);
      const result = await runCli(['mock', '--proto', PROTO, '--scripts', dir, '--port', '0', '--metrics-port', '0'], { boundMs: 20_000 });
      assert.equal(result.code, 2, result.stderr);
      assert.match(result.stderr.trim(), new RegExp(`^error: ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:2:${column}: text ".*" is not a regular expression RE2 accepts`));
    });
  }
});

