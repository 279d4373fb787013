/**
 * Integer options of the CLI (src/cli/parse-integer.ts): a usage error naming the bad value.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InvalidArgumentError } from 'commander';
import { integerIn } from '../../src/cli/parse-integer.ts';

test('integer options accept the range and name bad values', () => {
  const parse = integerIn(0, 10);
  assert.equal(parse('0'), 0);
  assert.equal(parse(' 10 '), 10);
  for (const bad of ['11', '-1', '1.5', 'abc', '', '1e3']) {
    assert.throws(() => parse(bad), (error: unknown) => error instanceof InvalidArgumentError && error.message === `expected an integer from 0 to 10, got "${bad}"`);
  }
});
