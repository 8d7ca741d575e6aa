import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Code, ConnectError, NotFoundError, toConnectError } from './errors.js';

test('a ServiceError keeps its code and public message; the private detail is not sent', () => {
  const error = toConnectError(new NotFoundError('no token for user alice at dev-idp', 'row 42 missing'));
  assert.equal(error.code, Code.NotFound);
  assert.equal(error.rawMessage, 'no token for user alice at dev-idp');
  assert.doesNotMatch(error.message, /row 42/);
});

test('an unexpected error becomes INTERNAL and leaks nothing', () => {
  const error = toConnectError(new Error('SELECT * FROM tokens WHERE refresh_token = "secret-value"'));
  assert.equal(error.code, Code.Internal);
  assert.equal(error.rawMessage, 'internal error');
});

test('a ConnectError passes through unchanged', () => {
  const original = new ConnectError('too slow', Code.DeadlineExceeded);
  assert.equal(toConnectError(original), original);
});
