/**
 * The verdict's detection bounds (src/scenarios/verdict.ts): a side that noticed later than
 * its bound is a mismatch naming both numbers, and the timer lateness the runner measured
 * (src/core/timer-lateness.ts) is added to the bound, never more.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { judge } from '../../src/scenarios/verdict.ts';
import type { Observed, VerdictLimits } from '../../src/scenarios/verdict.ts';
import { CATALOGUE } from '../../src/scenarios/catalogue.ts';
import type { StreamEnd } from '../../src/telemetry/lifecycle-event.ts';

const suspend = CATALOGUE.find((scenario) => scenario.name === 'server-suspend')!;
const limits: VerdictLimits = { keepalive: { timeMs: 1_000, timeoutMs: 1_000 }, endTimeoutMs: 20_000 };

function observed(clientDetectionMs: number): Observed {
  const end = (side: 'client' | 'server', endCause: StreamEnd['endCause'], grpcCode: number, detectionMs?: number): StreamEnd => ({
    side, streamId: '1', scenario: suspend.name, rpc: 'server_stream', service: 'streamlab.v1.Ticker', method: 'Subscribe',
    traceId: '', endCause, grpcCode, details: '', messages: 1, sent: 1, received: 1, openedAtMs: 0, endedAtMs: 1,
    ...(detectionMs === undefined ? {} : { detectionMs }),
  });
  return { client: end('client', 'keepalive_timeout', 14, clientDetectionMs), server: end('server', 'connection_closed', 1), serverObserved: true, backpressureWaits: 0 };
}

test('server-suspend: noticing within keepalive time + timeout + 200 ms is ok; later is a mismatch naming both numbers', () => {
  assert.deepEqual(judge(suspend, suspend.expect, observed(2_200), limits), []);
  assert.deepEqual(judge(suspend, suspend.expect, observed(2_350), limits), ['client noticed after 2350 ms, expected within 2200 ms']);
});

test('timers that ran late widen the bound by exactly the measured lateness, and the sentence says so', () => {
  assert.deepEqual(judge(suspend, suspend.expect, observed(2_350), { ...limits, timerLatenessMs: 150 }), []);
  assert.deepEqual(judge(suspend, suspend.expect, observed(2_351), { ...limits, timerLatenessMs: 150 }),
    ['client noticed after 2351 ms, expected within 2200 ms (+150 ms: this process\'s timers ran that late)']);
});
