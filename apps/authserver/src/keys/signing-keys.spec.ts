import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { ConfigError, Secret } from '@tessera/config';
import { loadSigningKeys } from './signing-keys.js';

const pem = (pair: { privateKey: { export(o: { format: 'pem'; type: 'pkcs8' }): string | Buffer } }) => String(pair.privateKey.export({ format: 'pem', type: 'pkcs8' }));
const p256 = pem(generateKeyPairSync('ec', { namedCurve: 'P-256' }));
const ed25519 = pem(generateKeyPairSync('ed25519'));
const ring = (keys: Record<string, string | Secret>, activeKey = Object.keys(keys)[0]!) => ({
  activeKey,
  keys: Object.fromEntries(Object.entries(keys).map(([kid, v]) => [kid, typeof v === 'string' ? new Secret(v) : v])),
});

test('the algorithm follows from the key; every key is in the JWKS, public half only, with kid, alg and use', () => {
  const keys = loadSigningKeys(ring({ 'ec-1': p256, 'ed-1': ed25519 }, 'ed-1'));
  assert.equal(keys.active.kid, 'ed-1');
  assert.equal(keys.active.alg, 'EdDSA');
  assert.deepEqual(keys.keys.map((k) => [k.kid, k.alg]), [['ec-1', 'ES256'], ['ed-1', 'EdDSA']]);
  const [ec, ed] = keys.keys.map((k) => k.publicJwk);
  assert.deepEqual(Object.keys(ec!).sort(), ['alg', 'crv', 'kid', 'kty', 'use', 'x', 'y']);
  assert.deepEqual({ kty: ec!.kty, crv: ec!.crv, use: ec!.use }, { kty: 'EC', crv: 'P-256', use: 'sig' });
  assert.deepEqual(Object.keys(ed!).sort(), ['alg', 'crv', 'kid', 'kty', 'use', 'x']);
  assert.deepEqual({ kty: ed!.kty, crv: ed!.crv }, { kty: 'OKP', crv: 'Ed25519' });
});

test('a key of another kind, a non-key and an unreadable file are ConfigErrors naming each key, with no key material', () => {
  const rsa = pem(generateKeyPairSync('rsa', { modulusLength: 2048 }));
  const p384 = pem(generateKeyPairSync('ec', { namedCurve: 'P-384' }));
  const publicOnly = String(generateKeyPairSync('ed25519').publicKey.export({ format: 'pem', type: 'spki' }));
  let error: unknown;
  try {
    loadSigningKeys(ring({ ok: p256, rsa, p384, text: 'not a key', public: publicOnly, gone: Secret.fromFile('/nonexistent/signing.key') }));
  } catch (e) {
    error = e;
  }
  assert.ok(error instanceof ConfigError, String(error));
  assert.deepEqual(error.issues.map((i) => i.path), [
    'apps.authserver.signing.keys.rsa',
    'apps.authserver.signing.keys.p384',
    'apps.authserver.signing.keys.text',
    'apps.authserver.signing.keys.public',
    'apps.authserver.signing.keys.gone.file',
  ]);
  assert.match(error.message, /keys\.rsa: holds a key of type rsa; Tessera signs with EC P-256 \(ES256\) or Ed25519 \(EdDSA\) keys only/);
  assert.match(error.message, /keys\.p384: holds a key of type ec \(secp384r1\);/);
  assert.match(error.message, /keys\.text: is not a PEM private key/);
  assert.doesNotMatch(error.message, /BEGIN|PRIVATE KEY-----/);
});
