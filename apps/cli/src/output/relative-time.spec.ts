import { test } from 'node:test';
import assert from 'node:assert/strict';
import { relativeTime } from './relative-time.js';

test('expiry shown relative, rounded to what matters', () => {
  const now = new Date('2030-01-01T00:00:00Z');
  const at = (ms: number) => relativeTime(new Date(now.getTime() + ms), now);
  assert.deepEqual(
    [at(42_000), at(42 * 60_000), at(125 * 60_000), at(3 * 3_600_000), at(3 * 86_400_000), at(-120_000)],
    ['in 42 s', 'in 42 min', 'in 2 h 5 min', 'in 3 h', 'in 3 days', '2 min ago'],
  );
});
