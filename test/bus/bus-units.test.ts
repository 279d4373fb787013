/**
 * The bus's pure parts (issue 18): `--bus` and `--backends` values, the topic → stream
 * mapping, and the bus scenarios' verdict (gaps, duplicates, the recovery bound); and the
 * fleet's usage errors for them (exit 2, one line).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseBusUrls } from '../../src/bus/bus-url.ts';
import { topicStream } from '../../src/bus/topic-stream.ts';
import { parseBackendsTarget, resolveBackends } from '../../src/fleet/backends-target.ts';
import { judgeBus, recoveryBoundMs } from '../../src/scenarios/bus-verdict.ts';
import { runCli } from '../helpers/cli.ts';

test('--bus takes nats://HOST:PORT, comma-separated, and names a bad entry', () => {
  assert.deepEqual(parseBusUrls('nats://127.0.0.1:4222'), ['127.0.0.1:4222']);
  assert.deepEqual(parseBusUrls('nats://a:4222, nats://b.example:4223,nats://[::1]:4224'), ['a:4222', 'b.example:4223', '[::1]:4224']);
  assert.throws(() => parseBusUrls('127.0.0.1:4222'), /bus entry "127.0.0.1:4222" is not a nats:\/\/ URL/);
  assert.throws(() => parseBusUrls('nats://a:4222,'), /has an empty entry/);
  assert.throws(() => parseBusUrls('nats://a'), /bus entry "nats:\/\/a" has no valid HOST:PORT/);
  assert.throws(() => parseBusUrls('nats://a:0'), /has port 0/);
});

test('--backends takes dns:///NAME:PORT or ipv4:A:P,B:P', async () => {
  assert.deepEqual(parseBackendsTarget('dns:///bus-servers:50051'), { kind: 'dns', host: 'bus-servers', port: 50051, target: 'dns:///bus-servers:50051' });
  assert.deepEqual(parseBackendsTarget('ipv4:10.0.0.2:1,10.0.0.1:2'), { kind: 'ipv4', addresses: ['10.0.0.2:1', '10.0.0.1:2'], target: 'ipv4:10.0.0.2:1,10.0.0.1:2' });
  assert.throws(() => parseBackendsTarget('ipv4:host:1'), /entry "host:1" is not A.B.C.D:PORT/);
  assert.throws(() => parseBackendsTarget('dns:///x:99999'), /no port 1-65535/);
  assert.throws(() => parseBackendsTarget('10.0.0.1:1'), /is not a target the fleet can dial: expected dns:\/\/\/NAME:PORT or ipv4:/);
  assert.deepEqual(await resolveBackends(parseBackendsTarget('dns:///localhost:7')), ['127.0.0.1:7']);
  assert.deepEqual(await resolveBackends(parseBackendsTarget('dns:///no-such-host.invalid:7')), []);
});

test('each topic has its own stream and subject, named by a hash of the free-text topic', () => {
  const one = topicStream('orders / eu');
  assert.match(one.stream, /^STREAMLAB_TOPIC_[0-9a-f]{32}$/);
  assert.equal(one.subject, `streamlab.topic.${one.stream.slice('STREAMLAB_TOPIC_'.length)}`);
  assert.deepEqual(topicStream('orders / eu'), one, 'stable');
  assert.notEqual(topicStream('orders / us').stream, one.stream);
});

test('the bus verdict: gaps, duplicates and a pause over the bound are mismatches; the bound comes from the settings', () => {
  const settings = { tickMs: 100, expiresMs: 1_000, reconnectWaitMs: 100 };
  const restart = { kind: 'restart', afterMessages: 5 } as const;
  assert.equal(recoveryBoundMs(restart, settings), 100 + 1_000 + 200 + 2_000);
  assert.equal(recoveryBoundMs({ kind: 'leader-loss', afterMessages: 5 }, settings), 9_800 + 3_300);
  const fault = { killedAtMs: 1_000, backAtMs: 1_500, node: 'n1' };
  const ok = judgeBus(restart, settings, { ids: [1, 2, 3, 4], arrivals: [900, 950, 1_700, 1_800], fault });
  assert.deepEqual([ok.gaps, ok.duplicates, ok.recoveryMs, ok.mismatches], [0, 0, 200, []]);
  const bad = judgeBus(restart, settings, { ids: [1, 2, 4, 4], arrivals: [900, 950, 6_000, 6_100], fault });
  assert.deepEqual(bad.mismatches, [
    'the follower missed 1 id(s), expected 0 gaps',
    'the follower got 1 id(s) twice, expected 0 duplicates',
    'events resumed 4500 ms after the bus was back, expected within 3300 ms',
  ]);
  assert.deepEqual(judgeBus(restart, settings, { ids: [1], arrivals: [900] }).mismatches, ['the bus fault never happened']);
});

test('fleet: --backends with --servers, or a bad --backends, is a usage error (exit 2)', async () => {
  const both = await runCli(['fleet', '--backends', 'ipv4:127.0.0.1:1', '--servers', '2', '--api-port', '0'], { boundMs: 60_000 });
  assert.equal(both.code, 2);
  assert.match(both.stderr, /^error: --backends ipv4:127.0.0.1:1 runs against servers this fleet does not start: drop --servers$/m);
  const bad = await runCli(['fleet', '--backends', 'localhost:1'], { boundMs: 60_000 });
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--backends "localhost:1" is not a target the fleet can dial/);
});
