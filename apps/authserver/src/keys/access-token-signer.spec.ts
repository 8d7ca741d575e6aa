import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import type { AccessTokenClaims } from '@tessera/access-tokens';
import { registrySchema, Secret } from '@tessera/config';
import { createAccessTokenSigner } from './access-token-signer.js';
import { loadTokenKeys } from './index.js';
import { loadSigningKeys } from './signing-keys.js';

const pem = (type: 'ec' | 'ed25519') =>
  String((type === 'ec' ? generateKeyPairSync('ec', { namedCurve: 'P-256' }) : generateKeyPairSync('ed25519')).privateKey.export({ format: 'pem', type: 'pkcs8' }));
const keyring = (active: string, keys: Record<string, string>) => ({ activeKey: active, keys: Object.fromEntries(Object.entries(keys).map(([k, v]) => [k, new Secret(v)])) });
const now = Math.floor(Date.now() / 1000);
const claims: AccessTokenClaims = {
  iss: 'https://auth.tessera.test', sub: 'alice', aud: 'tessera', iat: now, exp: now + 600, jti: 'jti-ü', client_id: 'tessera-cli',
  scope: 'openid', group: 'dirac_user', vo: 'dirac', sid: 's1', idp: 'dev-idp', idp_sub: 'älice',
};
const registry = registrySchema.parse({
  vos: { dirac: { idp: 'dev-idp' } },
  groups: { dirac_user: { vo: 'dirac', properties: ['NormalUser'] } },
  users: { alice: { subjects: { 'dev-idp': 'älice' }, groups: ['dirac_user'] } },
});

test('jose jwtVerify accepts what the signer produces, ES256 and EdDSA, with header exactly { alg, typ: at+jwt, kid }', async () => {
  const ring = loadSigningKeys(keyring('ec-1', { 'ec-1': pem('ec'), 'ed-1': pem('ed25519') }));
  const jwks = createLocalJWKSet({ keys: ring.keys.map((k) => k.publicJwk) });
  for (const key of ring.keys) {
    const token = createAccessTokenSigner(key)(claims);
    assert.match(token, /^[\w-]+\.[\w-]+\.[\w-]+$/, 'compact, base64url without padding');
    assert.deepEqual(decodeProtectedHeader(token), { alg: key.alg, typ: 'at+jwt', kid: key.kid });
    const { payload, protectedHeader } = await jwtVerify(token, jwks, { algorithms: [key.alg], typ: 'at+jwt', issuer: claims.iss, audience: 'tessera' });
    assert.deepEqual(payload, claims, 'non-ASCII claims survive');
    assert.equal(protectedHeader.kid, key.kid);
    assert.equal(Buffer.from(token.split('.')[2]!, 'base64url').length, 64, `${key.alg}: a 64-byte signature (R ‖ S for ES256)`);
  }
});

test('TokenKeys: the active key signs, every key is published, and its verifier accepts its own tokens across a rotation', async () => {
  const [ec, ed] = [pem('ec'), pem('ed25519')];
  const before = loadTokenKeys(keyring('k1', { k1: ec }));
  const during = loadTokenKeys(keyring('k2', { k1: ec, k2: ed }));
  assert.deepEqual(during.jwks.keys.map((k) => [k.kid, k.alg]), [['k1', 'ES256'], ['k2', 'EdDSA']]);
  assert.ok(during.jwks.keys.every((k) => !('d' in k)), 'no private part in the JWKS');
  const verifier = during.verifier(registry, 'tessera', claims.iss);
  for (const token of [before.sign(claims), during.sign(claims)]) {
    const user = await verifier.verify(token);
    assert.deepEqual({ id: user.id, group: user.group, vo: user.vo, tokenId: user.tokenId }, { id: 'alice', group: 'dirac_user', vo: 'dirac', tokenId: 'jti-ü' });
  }
  assert.equal(decodeProtectedHeader(during.sign(claims)).kid, 'k2');
  assert.deepEqual(during.algorithms, ['ES256', 'EdDSA']);
  const idToken = during.signIdToken({ iss: claims.iss, sub: 'alice', aud: 'tessera-cli', iat: now, exp: now + 600 });
  assert.deepEqual(decodeProtectedHeader(idToken), { alg: 'EdDSA', typ: 'JWT', kid: 'k2' });
  await assert.rejects(verifier.verify(idToken), { rejected: true, reason: 'type' }, 'an ID token is not an access token');
  const after = loadTokenKeys(keyring('k2', { k2: ed }));
  await assert.rejects(after.verifier(registry, 'tessera', claims.iss).verify(before.sign(claims)), { rejected: true, reason: 'unknown-key' }, 'a removed key no longer verifies');
});
