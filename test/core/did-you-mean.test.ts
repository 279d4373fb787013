/**
 * didYouMean: the closest known name for a typo, nothing for a word that is close to none.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { didYouMean } from '../../src/core/did-you-mean.ts';

const NAMES = ['completion', 'cancel', 'disconnect', 'blackhole', 'no-server', 'server-stop', 'server-suspend', 'server-suspend-no-keepalive'];

test('a typo gets the closest name', () => {
  assert.equal(didYouMean('blackhol', NAMES), 'blackhole');
  assert.equal(didYouMean('cancle', NAMES), 'cancel');
  assert.equal(didYouMean('noserver', NAMES), 'no-server');
  assert.equal(didYouMean('disconect', NAMES), 'disconnect');
});

test('a prefix gets the closest name it starts', () => {
  assert.equal(didYouMean('server-sus', NAMES), 'server-suspend');
  assert.equal(didYouMean('complet', NAMES), 'completion');
});

test('a word close to no name gets nothing', () => {
  assert.equal(didYouMean('nosuch', NAMES), undefined);
  assert.equal(didYouMean('x', NAMES), undefined);
  assert.equal(didYouMean('se', NAMES), undefined, 'two letters are no prefix');
  assert.equal(didYouMean('blackhole', []), undefined);
});
