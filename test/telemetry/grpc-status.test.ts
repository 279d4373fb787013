/**
 * gRPC status names and classes (src/telemetry/grpc-status.ts): the semconv's server errors,
 * go-grpc-prometheus's labels, the canonical names.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { grpcCodeLabel, grpcCodeName, isServerError } from '../../src/telemetry/grpc-status.ts';

test('status names: semconv server errors, go-grpc-prometheus labels, canonical names', () => {
  assert.deepEqual([0, 1, 2, 3, 4, 5, 12, 13, 14, 15, 16].filter(isServerError), [2, 4, 12, 13, 14, 15]);
  assert.equal(grpcCodeLabel(1), 'Canceled');
  assert.equal(grpcCodeLabel(14), 'Unavailable');
  assert.equal(grpcCodeName(1), 'CANCELLED');
  assert.equal(grpcCodeName(99), 'CODE_99');
});
