import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CircuitBreaker, type BreakerState } from './circuit-breaker.js';

test('opens after the threshold, fails fast, lets one probe through, closes on its success', () => {
  let now = 0;
  const states: BreakerState[] = [];
  const breaker = new CircuitBreaker({ failureThreshold: 2, openForMs: 1000, now: () => now, onStateChange: (s) => states.push(s) });
  assert.ok(breaker.tryAcquire());
  breaker.recordFailure('down');
  assert.ok(breaker.tryAcquire());
  breaker.recordFailure('down');
  assert.equal(breaker.state, 'open');
  assert.equal(breaker.tryAcquire(), false);
  assert.equal(breaker.retryAt?.getTime(), 1000);
  now = 1000;
  assert.ok(breaker.tryAcquire(), 'probe allowed');
  assert.equal(breaker.tryAcquire(), false, 'only one probe at a time');
  breaker.recordSuccess();
  assert.equal(breaker.state, 'closed');
  assert.deepEqual(states, ['open', 'half-open', 'closed']);
});

test('a failed probe re-opens for another period; a success resets the failure count', () => {
  let now = 0;
  const breaker = new CircuitBreaker({ failureThreshold: 1, openForMs: 100, now: () => now });
  breaker.recordFailure('x');
  now = 100;
  assert.ok(breaker.tryAcquire());
  breaker.recordFailure('still down');
  assert.equal(breaker.state, 'open');
  assert.equal(breaker.lastFailure, 'still down');
  now = 150;
  assert.equal(breaker.tryAcquire(), false);
  const other = new CircuitBreaker({ failureThreshold: 3, openForMs: 100, now: () => now });
  other.recordFailure('a');
  other.recordFailure('b');
  other.recordSuccess();
  other.recordFailure('c');
  assert.equal(other.state, 'closed');
  assert.equal(other.consecutiveFailures, 1);
});
