import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AccessTokenFront, FRONT_TTL_MS } from './access-token-front.js';

const entry = (userId: string, provider = 'p', cacheKey = 'k', lifeMs = 3_600_000, from = Date.now()) => ({
  userId, provider, cacheKey, accessToken: `at-${userId}`, tokenType: 'Bearer', scopes: [], audience: '', expiresAt: new Date(from + lifeMs),
});

test('an entry is served for FRONT_TTL_MS at most, and never past the token’s expiry', () => {
  const front = new AccessTokenFront();
  const now = Date.now();
  front.set(entry('alice', 'p', 'k', 3_600_000, now), now);
  assert.equal(front.get('alice', 'p', 'k', now + FRONT_TTL_MS - 1)?.accessToken, 'at-alice');
  assert.equal(front.get('alice', 'p', 'k', now + FRONT_TTL_MS), undefined, 'read TokenDB again');
  front.set(entry('bob', 'p', 'k', 1000, now), now);
  assert.equal(front.get('bob', 'p', 'k', now + 1000), undefined, 'not past expiry');
});

test('forgetting a user drops their entries of one provider or all, and nobody else’s', () => {
  const front = new AccessTokenFront();
  front.set(entry('alice', 'p1'));
  front.set(entry('alice', 'p2'));
  front.set(entry('alicia', 'p1'));
  front.forget('alice', 'p1');
  assert.equal(front.get('alice', 'p1', 'k'), undefined);
  assert.ok(front.get('alice', 'p2', 'k'));
  front.forget('alice');
  assert.equal(front.get('alice', 'p2', 'k'), undefined);
  assert.ok(front.get('alicia', 'p1', 'k'), 'a user whose id starts with another’s is not touched');
});
