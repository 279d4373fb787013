/**
 * google.protobuf.Timestamp conversions (src/core/timestamp.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fromTimestamp, toTimestamp } from '../../src/core/timestamp.ts';

test('timestamps: to and from proto, an unset one is no age at all', () => {
  assert.deepEqual(toTimestamp(1_795_000_000_123.5), { seconds: 1_795_000_000, nanos: 123_500_000 });
  assert.equal(fromTimestamp({ seconds: 1_795_000_000, nanos: 123_500_000 }), 1_795_000_000_123.5);
  assert.equal(fromTimestamp({ seconds: 0, nanos: 0 }), undefined, 'a foreign server that leaves sent_at unset');
  assert.equal(fromTimestamp(null), undefined);
});
