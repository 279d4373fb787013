/**
 * Errors to gRPC statuses (src/core/errors.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StreamlabError, toStatus } from '../../src/core/errors.ts';

test('toStatus keeps a StreamlabError code and turns anything else into INTERNAL', () => {
  const cause = new Error('disk on fire');
  assert.deepEqual([toStatus(new StreamlabError(5, 'no such topic', { cause })).code, toStatus(new StreamlabError(5, 'no such topic')).details], [5, 'no such topic']);
  assert.equal(toStatus(cause).code, 13);
  assert.equal(toStatus(cause).details, 'internal error: disk on fire');
  assert.equal(toStatus('a string').details, 'internal error: a string');
});
