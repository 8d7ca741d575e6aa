import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UserCodeGuesses } from './user-code-guesses.js';

describe('UserCodeGuesses', () => {
  it('stops one source after its limit and everyone after the total, until the minute is over', () => {
    let now = 60_000 * 1000;
    const guesses = new UserCodeGuesses({ perSourcePerMinute: 3, perMinute: 5 }, () => now);
    for (let i = 0; i < 3; i++) {
      assert.ok(guesses.allowed('a'));
      guesses.wrong('a');
    }
    assert.equal(guesses.allowed('a'), false, 'a has used its three tries');
    assert.ok(guesses.allowed('b'));
    guesses.wrong('b');
    guesses.wrong('c');
    assert.equal(guesses.allowed('d'), false, 'five wrong codes in total stop everyone');
    now += 60_000;
    assert.ok(guesses.allowed('a') && guesses.allowed('d'), 'a new minute starts afresh');
  });
});
