/**
 * The scenario catalogue (src/scenarios/catalogue.ts): the --rpc matrix, the expectation per
 * fault backend, --count, and every scenario's summary and reason.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CATALOGUE, CORE_SCENARIOS, expandMatrix, parseRpcKinds, selectScenarios, withCount } from '../../src/scenarios/catalogue.ts';
import { expectationFor } from '../../src/scenarios/scenario.ts';

test('the --rpc matrix: transport scenarios over each kind, others once', () => {
  assert.deepEqual(parseRpcKinds('all'), ['unary', 'client_stream', 'server_stream', 'bidi_stream']);
  assert.deepEqual(parseRpcKinds('unary'), ['unary']);
  assert.throws(() => parseRpcKinds('stream'), /--rpc "stream" is not allowed: use one of unary, client_stream, server_stream, bidi_stream, all/);
  const matrix = expandMatrix(selectScenarios(['cancel', 'ack-retry']), ['unary', 'bidi_stream']);
  assert.deepEqual(matrix.map((s) => `${s.name}/${s.rpc}`), ['cancel/unary', 'cancel/bidi_stream', 'ack-retry/bidi_stream']);
  assert.deepEqual(selectScenarios([]).map((s) => s.name), ['completion', 'cancel', 'disconnect', 'blackhole'], 'no names: the core set, not ack-retry');
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
