import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RefreshRateLimit } from './refresh-rate-limit.js';

test('a user may make `perMinute` IdP calls at once, then one per 60/perMinute seconds; others are not affected', () => {
  const limit = new RefreshRateLimit(3);
  const t = 1_000_000;
  assert.deepEqual([limit.take('alice', 'p', t), limit.take('alice', 'p', t), limit.take('alice', 'p', t)], [0, 0, 0]);
  const wait = limit.take('alice', 'p', t);
  assert.ok(wait > 0 && wait <= 20_000, `told to wait ${wait} ms`);
  assert.equal(limit.take('bob', 'p', t), 0, 'bob has his own bucket');
  assert.equal(limit.take('alice', 'other', t), 0, 'and so has every provider');
  assert.equal(limit.take('alice', 'p', t + 20_000), 0, 'refilled after 20 s');
  assert.ok(limit.take('alice', 'p', t + 20_000) > 0);
});

test('many other keys do not reset a limited user', () => {
  const limit = new RefreshRateLimit(1);
  const t = 5_000_000;
  assert.equal(limit.take('alice', 'p', t), 0);
  for (let i = 0; i < 100_050; i++) limit.take(`user${i}`, 'p', t);
  assert.ok(limit.take('alice', 'p', t) > 0, 'alice is still limited');
});
