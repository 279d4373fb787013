/** gRPC connection backoff for re-subscribes: the sequence, its jitter bounds, the cap, reset and bad options. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backoffParameters, createBackoff, GRPC_BACKOFF } from '../../src/core/backoff.ts';

test('the defaults are gRPC connection backoff constants', () => {
  assert.deepEqual(GRPC_BACKOFF, { initialMs: 1_000, multiplier: 1.6, jitter: 0.2, maxMs: 120_000 });
});

test('nominal delays grow by 1.6 to the cap; the drawn delay spans exactly ±20 %', () => {
  const low = createBackoff({}, () => 0);
  const high = createBackoff({}, () => 1 - Number.EPSILON);
  const mid = createBackoff({}, () => 0.5);
  const nominal = [1_000, 1_600, 2_560, 4_096, 6_553.6];
  for (const expected of nominal) {
    const close = (actual: number, wanted: number) => assert.ok(Math.abs(actual - wanted) < 1e-6, `${actual} ≠ ${wanted}`);
    close(mid.next().delayMs, expected);
    close(low.next().delayMs, expected * 0.8);
    close(high.next().delayMs, expected * 1.2);
  }
  let last = mid.next();
  while (last.attempt < 40) last = mid.next();
  assert.equal(last.nominalMs, 120_000);
  mid.reset();
  assert.deepEqual(mid.next(), { attempt: 1, nominalMs: 1_000, delayMs: 1_000 });
});

test('bad parameters are refused naming the field', () => {
  assert.throws(() => backoffParameters({ jitter: 1.5 }), /jitter=1.5 must be between 0 and 1/);
  assert.throws(() => backoffParameters({ multiplier: 0.5 }), /multiplier=0.5 must be ≥ 1/);
  assert.throws(() => backoffParameters({ initialMs: 5_000, maxMs: 1_000 }), /maxMs=1000 must be ≥ initialMs \(5000\)/);
});
