/**
 * How each side classifies a call's end (design §1, §2): the client from its status, its own
 * cancel and the connection's fate; the server from the connection's fate and the deadline; the
 * OS error of a connect that failed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classifyClientEnd, connectErrorOf } from '../../src/rpc/client/classify-client-end.ts';
import { classifyTransportEnd, deadlinePassed } from '../../src/rpc/server/classify-server-end.ts';

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

test('a cancel just before the server copy of the deadline counts as the deadline', () => {
  const now = 1_000_000;
  assert.equal(deadlinePassed(Infinity, now), false, 'no deadline');
  assert.equal(deadlinePassed(Infinity, now, () => assert.fail('the lateness is asked for a call without a deadline')), false);
  assert.equal(deadlinePassed(new Date(now - 1), now), true);
  assert.equal(deadlinePassed(now + 30, now), true, 'the client timer fired first; skew allowed');
  assert.equal(deadlinePassed(now + 51, now), false, 'well before the deadline: a real cancel');
  assert.equal(deadlinePassed(now + 230, now, () => 200), true, 'timers 200 ms late: the HEADERS were read that late, so was the deadline started');
  assert.equal(deadlinePassed(now + 251, now, () => 200), false, 'earlier than skew + lateness: a real cancel');
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
