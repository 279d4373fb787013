/**
 * The delivery client's options (src/client/delivery-client.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkDropRate } from '../../src/client/delivery-client.ts';

test('drop rate: 0 to 1, anything else named', () => {
  assert.equal(checkDropRate(0.1), 0.1);
  for (const bad of [-0.1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) assert.throws(() => checkDropRate(bad), new RegExp(`drop rate ${bad} is not allowed: use a number from 0 to 1`));
});
