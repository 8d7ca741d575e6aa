import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDuration } from './duration.js';

test('durations as users type them, in ms', () => {
  assert.deepEqual(['90s', '10m', '12h', '2d', '1h30m', '600'].map(parseDuration), [90_000, 600_000, 43_200_000, 172_800_000, 5_400_000, 600_000]);
  for (const bad of ['', '10x', '1h 30m', 'h', '-5m', '1.5h']) assert.throws(() => parseDuration(bad), RangeError, bad);
});
