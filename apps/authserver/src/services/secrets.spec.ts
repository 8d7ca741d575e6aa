import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { displayUserCode, newSecret, newUserCode, normaliseUserCode, secretHash } from './secrets.js';

describe('user codes', () => {
  it('are 8 consonants shown XXXX-XXXX and read back in any case, with or without the dash', () => {
    for (let i = 0; i < 200; i++) {
      const code = newUserCode();
      assert.match(code, /^[BCDFGHJKLMNPQRSTVWXZ]{8}$/);
      const shown = displayUserCode(code);
      assert.match(shown, /^[A-Z]{4}-[A-Z]{4}$/);
      assert.equal(normaliseUserCode(shown.toLowerCase()), code);
      assert.equal(normaliseUserCode(` ${code.slice(0, 4)} ${code.slice(4)} `), code);
    }
    assert.equal(normaliseUserCode('ABCD-EFGH'), undefined, 'vowels are not in the alphabet');
    assert.equal(normaliseUserCode('BCDF-GHJ'), undefined);
  });

  it('secrets are 256-bit, prefixed, and stored only as their hash', () => {
    const secret = newSecret('tsr');
    assert.match(secret, /^tsr_[A-Za-z0-9_-]{43}$/);
    assert.notEqual(newSecret('tsr'), secret);
    assert.equal(secretHash(secret).length, 43);
    assert.ok(!secretHash(secret).includes(secret.slice(4, 20)));
  });
});
