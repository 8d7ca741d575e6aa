import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Secret } from '@tessera/config';
import { TokenCipher, UndecryptableError } from './token-cipher.js';

const key = () => new Secret(randomBytes(32).toString('base64'));

test('a value round-trips under its associated data and nowhere else', () => {
  const cipher = new TokenCipher({ activeKey: 'k1', keys: { k1: key() } });
  const sealed = cipher.seal('rt-SECRET', 'idp_tokens:alice:dev-idp:refresh_token');
  assert.equal(sealed.keyId, 'k1');
  assert.doesNotMatch(sealed.value, /SECRET/);
  assert.equal(cipher.open(sealed, 'idp_tokens:alice:dev-idp:refresh_token'), 'rt-SECRET');
  assert.throws(() => cipher.open(sealed, 'idp_tokens:bob:dev-idp:refresh_token'), UndecryptableError, 'moved to another row');
  assert.throws(() => cipher.open(sealed, 'idp_tokens:alice:dev-idp:access_token'), UndecryptableError, 'moved to another column');
  const tampered = { ...sealed, value: sealed.value.replace(/.(?=\.[^.]+$)/, (c) => (c === 'A' ? 'B' : 'A')) };
  assert.throws(() => cipher.open(tampered, 'idp_tokens:alice:dev-idp:refresh_token'), UndecryptableError);
  assert.notEqual(cipher.seal('rt-SECRET', 'x').value, cipher.seal('rt-SECRET', 'x').value, 'a fresh IV every time');
});

test('older keys still decrypt; new values use the active key; an unknown key is named', () => {
  const k1 = key();
  const old = new TokenCipher({ activeKey: 'k1', keys: { k1 } });
  const sealed = old.seal('at', 'aad');
  const rotated = new TokenCipher({ activeKey: 'k2', keys: { k1, k2: key() } });
  assert.equal(rotated.open(sealed, 'aad'), 'at');
  assert.equal(rotated.seal('at', 'aad').keyId, 'k2');
  const without = new TokenCipher({ activeKey: 'k2', keys: { k2: key() } });
  assert.throws(() => without.open(sealed, 'aad'), /key k1: unknown key/);
});

test('a key that is not 32 bytes of base64 is refused', () => {
  assert.throws(() => new TokenCipher({ activeKey: 'k', keys: { k: new Secret('too-short') } }), /encryption key k must be 32 bytes/);
});
