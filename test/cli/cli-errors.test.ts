/**
 * CLI errors that teach (issue 20 item 8), as a user meets them in real processes: a port in
 * use names its role and the flag that moves it; an unknown command, option or scenario gets
 * one line with the closest name; --version is package.json's; a client that finds no server
 * counts nothing as sent and says what to try; help in a pipe reads as prose.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import type { Server } from 'node:net';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { ROOT, runCli } from '../helpers/cli.ts';
import { unusedPort } from '../../src/core/unused-port.ts';

/** Runs `streamlab ...args` to its exit; a bound so a command that does not fail cannot hang the file. */
const cli = (args: string[]) => runCli(args, { boundMs: 30_000 });

/** The stderr of a usage error: exactly one line. */
function oneLine(stderr: string): string {
  const lines = stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, `one line on stderr, got:\n${stderr}`);
  return lines[0]!;
}

let holder: Server;
/** A port on 127.0.0.1 this test process holds, so any command that binds it finds it in use. */
let busy: number;

before(async () => {
  holder = createServer();
  holder.listen(0, '127.0.0.1');
  await once(holder, 'listening');
  busy = (holder.address() as { port: number }).port;
});
after(() => holder.close());

const MOCK = ['mock', '--proto', 'examples/mock/chat.proto', '--scripts', 'examples/mock/scripts', '--host', '127.0.0.1'];

/** Every listener of the CLI: the command, with the busy port in the place of `P`; its role and flag. */
const LISTENERS: Array<{ command: string; args: (port: string) => string[]; role: string; flag: string }> = [
  { command: 'serve', args: (p) => ['serve', '--host', '127.0.0.1', '--port', p, '--metrics-port', '0'], role: 'the gRPC port', flag: '--port' },
  { command: 'serve', args: (p) => ['serve', '--host', '127.0.0.1', '--port', '0', '--metrics-port', p], role: 'the metrics port', flag: '--metrics-port' },
  { command: 'mock', args: (p) => [...MOCK, '--port', p, '--metrics-port', '0'], role: 'the gRPC port', flag: '--port' },
  { command: 'mock', args: (p) => [...MOCK, '--port', '0', '--metrics-port', p], role: 'the metrics port', flag: '--metrics-port' },
  { command: 'drive', args: (p) => ['drive', '--upstream', '127.0.0.1:1', '--runs', '1', '--host', '127.0.0.1', '--metrics-port', p], role: 'the metrics port', flag: '--metrics-port' },
  { command: 'proxy', args: (p) => ['proxy', '--listen', `127.0.0.1:${p}`, '--upstream', '127.0.0.1:1'], role: 'the proxy port', flag: '--listen HOST:PORT' },
  { command: 'fleet', args: (p) => ['fleet', '--servers', '1', '--clients', '0', '--base-port', '0', '--api-port', p], role: 'the control API port', flag: '--api-port' },
  { command: 'fleet', args: (p) => ['fleet', '--servers', '1', '--clients', '0', '--server-host', '127.0.0.1', '--base-port', p, '--api-port', '0'], role: "a server's gRPC port", flag: '--base-port' },
];

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

for (const { command, args, role, flag } of LISTENERS) {
  test(`${command}: ${role} in use names it and ${flag}, one line, exit 2`, async () => {
    const result = await cli(args(String(busy)));
    assert.equal(result.code, 2, result.stderr);
    const line = oneLine(result.stderr);
    assert.match(line, new RegExp(`^error: streamlab ${command}: ${escape(role)} ${busy} is in use \\(EADDRINUSE on 127\\.0\\.0\\.1:${busy}\\); pick another with ${escape(flag)}`));
    assert.equal(result.stdout, '');
  });
}

test('an unknown command: one line with the closest command, exit 2', async () => {
  const result = await cli(['servee']);
  assert.equal(result.code, 2);
  assert.equal(oneLine(result.stderr), "error: unknown command 'servee' (did you mean serve?)");
});

test('an unknown option: one line with the closest option, exit 2', async () => {
  const result = await cli(['serve', '--metric-port', '1']);
  assert.equal(result.code, 2);
  assert.equal(oneLine(result.stderr), "error: unknown option '--metric-port' (did you mean --metrics-port?)");
});

const UNKNOWN_SCENARIOS: Array<{ args: string[]; name: string; meant: string }> = [
  { args: ['run', 'blackhol'], name: 'blackhol', meant: 'blackhole' },
  { args: ['run', '--scenario', 'server-sus'], name: 'server-sus', meant: 'server-suspend' },
  { args: ['scenarios', '--explain', 'noserver'], name: 'noserver', meant: 'no-server' },
  { args: ['drive', '--upstream', '127.0.0.1:1', '--scenarios', 'completion,cancle'], name: 'cancle', meant: 'cancel' },
];

for (const { args, name, meant } of UNKNOWN_SCENARIOS) {
  test(`an unknown scenario gets "did you mean": streamlab ${args.join(' ')}`, async () => {
    const result = await cli(args);
    assert.equal(result.code, 2, result.stderr);
    const line = oneLine(result.stderr);
    assert.match(line, new RegExp(`^error: .*unknown scenario "${name}": did you mean "${meant}"\\? allowed are completion, cancel, `));
    assert.equal(result.stdout, '');
  });
}

test('run --scenario NAME runs it as if named', async () => {
  const result = await cli(['run', '--scenario', 'completion', '--json', '--interval-ms', '10']);
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual((JSON.parse(result.stdout) as { scenarios: Array<{ name: string }> }).scenarios.map((s) => s.name), ['completion']);
});

test('--version prints the version of package.json', async () => {
  const { version } = JSON.parse(readFileSync(`${ROOT}/package.json`, 'utf8')) as { version: string };
  for (const flag of ['--version', '-V']) {
    const result = await cli([flag]);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, `${version}\n`);
  }
});

test('client with no server: nothing counted as sent, no empty "Resolution note:", a hint to start a server', async () => {
  const port = await unusedPort();
  const result = await cli(['client', '--target', `127.0.0.1:${port}`]);
  assert.equal(result.code, 1, result.stderr);
  assert.match(result.stdout, /^stream ended: connect_failed \[ECONNREFUSED\] \(UNAVAILABLE: No connection established\. Last error: Error: connect ECONNREFUSED 127\.0\.0\.1:\d+\) after 0 messages received, 0 sent;/m);
  assert.doesNotMatch(result.stdout, /\b1 sent\b/);
  assert.doesNotMatch(result.stdout + result.stderr, /Resolution note/);
  assert.equal(oneLine(result.stderr), `hint: is a server listening on 127.0.0.1:${port}? start one with \`streamlab serve --port ${port}\``);
});

test('client whose target does not resolve: the hint names the host', async () => {
  const result = await cli(['client', '--target', 'no-such-host.invalid:50051']);
  assert.equal(result.code, 1, result.stderr);
  assert.match(result.stdout, /^stream ended: connect_failed \[name not resolved\] .* 0 sent;/m);
  assert.match(oneLine(result.stderr), /^hint: the name no-such-host\.invalid does not resolve here/);
});

test('run no-server: the client side counts nothing sent in the table, the timeline and --json', async () => {
  const table = await cli(['run', 'no-server']);
  assert.equal(table.code, 0, table.stderr);
  assert.match(table.stdout, /│ no-server +│ server_stream │ connect_failed +│ UNAVAILABLE +│ 0↑ 0↓ │/);
  assert.match(table.stdout, /^ {2}client: open \+[\d.]+, end connect_failed \+[\d.]+ ms$/m, 'no message on the timeline');
  assert.doesNotMatch(table.stdout, /Resolution note/);
  const json = await cli(['run', 'no-server', '--json']);
  const [scenario] = (JSON.parse(json.stdout) as { scenarios: Array<{ client: { sent: number; received: number } }> }).scenarios;
  assert.equal(scenario?.client.sent, 0);
  assert.equal(scenario?.client.received, 0);
});

/**
 * The description of a command's help: from after the usage line to the first section.
 * @returns its lines
 */
function descriptionOf(help: string): string[] {
  const lines = help.split('\n');
  const end = lines.findIndex((line) => /^(Arguments|Options|Commands):$/.test(line));
  return lines.slice(2, end < 0 ? undefined : end);
}

for (const command of ['run', 'client', 'serve', 'mock', 'load', 'drive', 'fleet', 'scenarios', 'proxy', 'alerts test']) {
  test(`help in a pipe reads as prose: streamlab ${command} --help`, async () => {
    const result = await cli([...command.split(' '), '--help']);
    assert.equal(result.code, 0, result.stderr);
    const lines = result.stdout.split('\n');
    for (const line of lines) assert.ok(line.length <= 100, `at most 100 columns: ${JSON.stringify(line)}`);
    const description = descriptionOf(result.stdout);
    assert.ok(description.length > 1, 'a description');
    for (const [index, line] of description.entries()) {
      const next = description[index + 1];
      // A wrapped line goes on at column 0 in lower case: the line before it is not cut short.
      if (next !== undefined && /^[a-z(]/.test(next) && line.trim() !== '') {
        if (!line.startsWith(' ')) assert.ok(line.length >= 60, `a paragraph's line is cut after ${line.length} columns: ${JSON.stringify(line)} then ${JSON.stringify(next)}`);
        else assert.fail(`an indented item goes on at column 0: ${JSON.stringify(line)} then ${JSON.stringify(next)}`);
      }
    }
    // The option descriptions wrap at more than a word or two.
    const options = lines.slice(lines.indexOf('Options:') + 1);
    for (const [index, line] of options.entries()) {
      const next = options[index + 1];
      if (next?.match(/^ {10,}\S/) && line.startsWith('  -')) {
        const text = line.replace(/^ {2}\S.*?\s{2,}/, '');
        assert.ok(text.length >= 30, `option description cut after ${text.length} columns: ${JSON.stringify(line)}`);
      }
    }
  });
}
