import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { registrySchema } from '@tessera/config';
import type { AccessTokenClaims } from './claims.js';
import { AccessTokenKeysUnavailable, AccessTokenRefused, type RefusalReason } from './refusals.js';
import { createAccessTokenVerifier } from './verifier.js';

const ISSUER = 'https://auth.tessera.test';
const NOW = new Date('2030-01-01T00:00:00Z');
const clock = () => NOW;
const at = (offsetS: number) => Math.floor(NOW.getTime() / 1000) + offsetS;
const registry = registrySchema.parse({
  vos: { dirac: { idp: 'dev-idp' } },
  groups: { dirac_user: { vo: 'dirac', properties: ['NormalUser', 'PrivateLimitedDelegation'] }, dirac_admin: { vo: 'dirac', properties: ['ProxyManagement'] } },
  users: { alice: { subjects: { 'dev-idp': 'alice' }, groups: ['dirac_user'] }, bob: { subjects: { 'dev-idp': 'bob' }, groups: ['dirac_user'] } },
});
const claims: AccessTokenClaims = {
  iss: ISSUER, sub: 'alice', aud: 'tessera', iat: at(-10), exp: at(600), jti: 'tok-1', client_id: 'tessera-cli',
  scope: 'openid tessera', group: 'dirac_user', vo: 'dirac', sid: 'session-1', idp: 'dev-idp', idp_sub: 'alice',
};

interface TestKey { kid: string; alg: 'ES256' | 'EdDSA'; privateKey: CryptoKey; jwk: JWK }
async function testKey(kid: string, alg: 'ES256' | 'EdDSA'): Promise<TestKey> {
  const { publicKey, privateKey } = await generateKeyPair(alg);
  return { kid, alg, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
}
const sign = (key: TestKey, overrides: Partial<Record<keyof AccessTokenClaims, unknown>> = {}, header: Record<string, unknown> = {}) =>
  new SignJWT({ ...claims, ...overrides } as Record<string, unknown>).setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'at+jwt', ...header }).sign(key.privateKey);
const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

async function refusal(promise: Promise<unknown>): Promise<RefusalReason> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof AccessTokenRefused, `a refusal, got ${String(error)}`);
    assert.equal(error.rejected, true);
    assert.equal(error.cause, undefined, "jose's error (which holds the claims) is not kept");
    assert.match(error.message, /^the (access )?token[ ’]/);
    assert.doesNotMatch(error.message, /Header Parameter|Compact|check failed|"/, "in our words, not jose’s");
    return error.reason;
  }
  assert.fail('the token was accepted');
}

describe('createAccessTokenVerifier with a local JWKS', () => {
  let es256: TestKey;
  let ed25519: TestKey;
  let verifier: ReturnType<typeof createAccessTokenVerifier>;
  before(async () => {
    es256 = await testKey('k1', 'ES256');
    ed25519 = await testKey('k2', 'EdDSA');
    verifier = createAccessTokenVerifier({ issuer: ISSUER, audience: 'tessera', keys: { keys: [es256.jwk, ed25519.jwk] }, registry, clock });
  });

  test('a valid token, ES256 or EdDSA, is its registry user in the group, with the group’s properties now', async () => {
    for (const key of [es256, ed25519]) {
      const user = await verifier.verify(await sign(key));
      assert.deepEqual(user, {
        id: 'alice', group: 'dirac_user', vo: 'dirac', properties: new Set(['NormalUser', 'PrivateLimitedDelegation']),
        scopes: ['openid', 'tessera'], tokenId: 'tok-1', expiresAt: new Date(at(600) * 1000),
      });
    }
    assert.equal((await verifier.verify(await sign(es256, { aud: ['other', 'tessera'] }, { typ: 'application/at+jwt' }))).id, 'alice', 'RFC 9068 §4 spellings');
  });

  test('refused: alg none, HS256 with the public key, a foreign key under a known kid, an unknown kid, garbage', async () => {
    const unsigned = `${b64({ alg: 'none', typ: 'at+jwt', kid: 'k1' })}.${b64(claims)}.`;
    assert.equal(await refusal(verifier.verify(unsigned)), 'algorithm');
    const hs256 = await new SignJWT({ ...claims }).setProtectedHeader({ alg: 'HS256', kid: 'k1', typ: 'at+jwt' }).sign(new TextEncoder().encode(JSON.stringify(es256.jwk)));
    assert.equal(await refusal(verifier.verify(hs256)), 'algorithm');
    const foreign = await testKey('k1', 'ES256');
    assert.equal(await refusal(verifier.verify(await sign(foreign))), 'signature');
    assert.equal(await refusal(verifier.verify(await sign({ ...foreign, kid: 'k9' }))), 'unknown-key');
    const [header, payload] = (await sign(es256)).split('.');
    assert.equal(await refusal(verifier.verify(`${header}.${payload}.${'A'.repeat(86)}`)), 'signature');
    for (const garbage of ['', 'abc', 'a.b.c', `${header}.bm90IGpzb24.x`]) assert.equal(await refusal(verifier.verify(garbage)), 'malformed', garbage);
  });

  test('refused: expired, not yet valid, wrong typ, wrong issuer, wrong audience, missing or malformed claims', async () => {
    const cases: [Promise<string>, RefusalReason][] = [
      [sign(es256, { exp: at(-6) }), 'expired'],
      [sign(es256, { nbf: at(60) }), 'not-yet-valid'],
      [sign(es256, {}, { typ: 'JWT' }), 'type'],
      [sign(es256, {}, { typ: undefined }), 'type'],
      [sign(es256, { iss: 'https://evil.test' }), 'issuer'],
      [sign(es256, { aud: 'another-service' }), 'audience'],
      [sign(es256, { jti: undefined }), 'claims'],
      [sign(es256, { client_id: undefined }), 'claims'],
      [sign(es256, { iat: undefined }), 'claims'],
      [sign(es256, { sub: 42 }), 'claims'],
      [sign(es256, { scope: ['openid'] }), 'claims'],
      [sign(es256, { vo: undefined }), 'claims'],
    ];
    for (const [token, reason] of cases) assert.equal(await refusal(verifier.verify(await token)), reason);
    assert.equal((await verifier.verify(await sign(es256, { exp: at(-4), nbf: at(4) }))).id, 'alice', 'within the 5 s clock tolerance');
  });

  test('refused by the registry: a client-credentials token, a group gone, a user out of the group, a group moved VO', async () => {
    assert.equal(await refusal(verifier.verify(await sign(es256, { sub: 'tessera-web', client_id: 'tessera-web', group: undefined, vo: undefined }))), 'not-a-user-token');
    assert.equal(await refusal(verifier.verify(await sign(es256, { group: 'dirac_gone' }))), 'unknown-group');
    assert.equal(await refusal(verifier.verify(await sign(es256, { group: 'constructor' }))), 'unknown-group', 'own keys only');
    assert.equal(await refusal(verifier.verify(await sign(es256, { vo: 'other' }))), 'unknown-group');
    assert.equal(await refusal(verifier.verify(await sign(es256, { group: 'dirac_admin' }))), 'not-in-group', 'alice is not (or no longer) in dirac_admin');
    assert.equal(await refusal(verifier.verify(await sign(es256, { sub: 'mallory' }))), 'not-in-group');
  });
});

describe('createAccessTokenVerifier with the JWKS at a URL', () => {
  let server: Server;
  let url: URL;
  let published: JWK[] = [];
  let status = 200;
  let fetches = 0;
  let k1: TestKey;
  let k2: TestKey;
  before(async () => {
    [k1, k2] = await Promise.all([testKey('k1', 'ES256'), testKey('k2', 'EdDSA')]);
    server = createServer((_req, res) => {
      fetches += 1;
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: published }));
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    url = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`);
  });
  after(() => server.close());
  const remoteVerifier = (cooldownMs: number) => createAccessTokenVerifier({ issuer: ISSUER, audience: 'tessera', keys: url, registry, clock, remote: { cooldownMs } });

  test('rotation: a token under a kid not seen yet makes the verifier fetch the JWKS again', async () => {
    published = [k1.jwk];
    fetches = 0;
    const verifier = remoteVerifier(0);
    assert.equal(fetches, 0, 'fetched when first needed, not when created');
    assert.equal((await verifier.verify(await sign(k1))).id, 'alice');
    assert.equal((await verifier.verify(await sign(k1))).id, 'alice');
    assert.equal(fetches, 1, 'then cached');
    published = [k1.jwk, k2.jwk];
    assert.equal((await verifier.verify(await sign(k2))).id, 'alice', 'the new key, after a refetch');
    assert.equal(fetches, 2);
  });

  test('within the cooldown an unknown kid causes no fetch and is refused', async () => {
    published = [k1.jwk];
    fetches = 0;
    const verifier = remoteVerifier(60_000);
    await verifier.verify(await sign(k1));
    published = [k1.jwk, k2.jwk];
    assert.equal(await refusal(verifier.verify(await sign(k2))), 'unknown-key');
    assert.equal(fetches, 1);
  });

  test('a JWKS that cannot be fetched is not a refusal: the verifier cannot decide now', async () => {
    const unavailable = async (verifier: ReturnType<typeof createAccessTokenVerifier>) => {
      const error = await verifier.verify(await sign(k1)).then(() => assert.fail('accepted'), (e: unknown) => e);
      assert.ok(error instanceof AccessTokenKeysUnavailable, String(error));
      assert.notEqual((error as { rejected?: unknown }).rejected, true);
      assert.ok(error.cause !== undefined, 'the cause is kept for the log');
    };
    published = [k1.jwk];
    status = 503;
    await unavailable(remoteVerifier(0));
    status = 200;
    const down = createServer();
    down.listen(0, '127.0.0.1');
    await once(down, 'listening');
    const port = (down.address() as AddressInfo).port;
    down.close();
    await once(down, 'close');
    await unavailable(createAccessTokenVerifier({ issuer: ISSUER, audience: 'tessera', keys: new URL(`http://127.0.0.1:${port}/jwks.json`), registry, clock }));
  });
});
