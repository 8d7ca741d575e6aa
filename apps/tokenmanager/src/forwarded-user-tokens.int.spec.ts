// tokenmanager acting for users (DESIGN §4): a trusted service forwards a user's Tessera access
// token, a real JWT verified against a JWKS served over HTTP, whose signing keys rotate.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { status, type ServiceError } from '@grpc/grpc-js';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { TokenManagerService, tokenmanagerV1 } from '@tessera/contracts';
import { createTestPki, grpcJsClient, testConfig, type TestPki } from '@tessera/testing';
import type { RpcApp } from '@tessera/rpc';
import { buildTokenManager } from './factory.js';

const ISSUER = 'https://auth.tessera.test';
const AUTHSERVER = 'spiffe://tessera.dev/authserver';

interface TestKey { kid: string; privateKey: CryptoKey; jwk: JWK }
async function testKey(kid: string): Promise<TestKey> {
  const { publicKey, privateKey } = await generateKeyPair('ES256');
  return { kid, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' } };
}
let serial = 0;
function accessToken(key: TestKey, user: string, claims: Record<string, unknown> = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ iss: ISSUER, sub: user, aud: 'tessera', iat: now, exp: now + 600, jti: `jti-${++serial}`, client_id: 'tessera-cli', scope: 'openid', group: 'dirac_user', vo: 'dirac', ...claims })
    .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: key.kid })
    .sign(key.privateKey);
}

test('userTokens.jwksUrl defaults to <issuer>/.well-known/jwks.json', async () => {
  const pki = await createTestPki();
  try {
    assert.deepEqual(testConfig(pki).apps.tokenmanager?.userTokens, { issuer: 'http://127.0.0.1:8080', audience: 'tessera', jwksUrl: 'http://127.0.0.1:8080/.well-known/jwks.json' });
  } finally {
    pki.remove();
  }
});

describe('tokenmanager acting for a user whose access token a trusted service forwards', () => {
  let pki: TestPki;
  let app: RpcApp;
  let jwks: Server;
  let published: JWK[] = [];
  let fetches = 0;
  let k1: TestKey;
  before(async () => {
    pki = await createTestPki();
    k1 = await testKey('k1');
    published = [k1.jwk];
    jwks = createServer((_req, res) => {
      fetches += 1;
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: published }));
    });
    jwks.listen(0, '127.0.0.1');
    await once(jwks, 'listening');
    const env = {
      TESSERA__APPS__TOKENMANAGER__USERTOKENS__ISSUER: ISSUER,
      TESSERA__APPS__TOKENMANAGER__USERTOKENS__JWKSURL: `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/.well-known/jwks.json`,
    };
    // No cooldown: a key rotated in is looked up at its first token, not up to 10 s later.
    app = await buildTokenManager(testConfig(pki, env), { jwksCooldownMs: 0 }).listen();
  });
  after(async () => {
    await app.close({ graceMs: 1000 });
    jwks.close();
    pki.remove();
  });

  const call = async <T>(identity: string, token: string | undefined, run: (c: ReturnType<typeof grpcJsClient<typeof TokenManagerService>>, options: { metadata?: Record<string, string> }) => Promise<T>) => {
    const client = grpcJsClient(TokenManagerService, `127.0.0.1:${app.grpcPort}`, pki.material(identity), 'tokenmanager');
    try {
      return await run(client, token === undefined ? {} : { metadata: { 'tessera-user-token': `Bearer ${token}` } });
    } finally {
      client.close();
    }
  };
  const denied = (pattern?: RegExp) => (e: ServiceError) => e.code === status.PERMISSION_DENIED && (pattern === undefined || pattern.test(e.details));
  const storeFor = (userId: string) =>
    call('authserver', undefined, (c) =>
      c.call('updateToken', { userId, provider: 'dev-idp', subject: userId, clientId: 'tessera-idp-gateway', tokenSet: { refreshToken: `rt-${userId}`, accessToken: `at-${userId}`, scopes: ['openid'] } }),
    );

  test('the JWKS is fetched at the first forwarded token, not at start-up; Whoami is then the user, forwarded by the authserver', async () => {
    assert.equal(fetches, 0);
    const who = await call('authserver', await accessToken(k1, 'alice'), (c, o) => c.call('whoami', {}, o));
    assert.equal(fetches, 1);
    assert.equal(who.kind, tokenmanagerV1.CallerKind.USER);
    assert.equal(who.subject, 'alice');
    assert.equal(who.group, 'dirac_user');
    assert.equal(who.forwardedBy, AUTHSERVER);
    assert.deepEqual(who.properties, ['NormalUser', 'PrivateLimitedDelegation'], "the group's properties, not the authserver's TokenIssuer");
  });

  test('the user reads their own tokens and history and deletes their own tokens; another user’s are PERMISSION_DENIED', async () => {
    const [alices, bobs] = [await storeFor('alice'), await storeFor('bob')];
    const alice = await accessToken(k1, 'alice');
    const mine = await call('authserver', alice, (c, o) => c.call('getUserTokensInfo', {}, o));
    assert.deepEqual(mine.tokens.map((t) => t.tokenId), [alices.token?.tokenId], 'an empty user_id is the calling user');
    assert.deepEqual((await call('authserver', alice, (c, o) => c.call('getUserTokensInfo', { userId: 'alice' }, o))).tokens.length, 1);
    await assert.rejects(call('authserver', alice, (c, o) => c.call('getUserTokensInfo', { userId: 'bob' }, o)), denied(/alice may act only on their own tokens/));
    const history = await call('authserver', alice, (c, o) => c.call('listTokenHistory', { userId: 'alice' }, o));
    assert.ok(history.events.length > 0 && history.events.every((e) => e.userId === 'alice'));
    await assert.rejects(call('authserver', alice, (c, o) => c.call('listTokenHistory', { userId: 'bob' }, o)), denied(/alice may list only their own history/));
    await assert.rejects(call('authserver', alice, (c, o) => c.call('listTokenHistory', {}, o)), denied(), "everyone's history needs ProxyManagement");
    await assert.rejects(call('authserver', alice, (c, o) => c.call('deleteToken', { userId: 'bob' }, o)), denied());
    for (const method of ['getTokensByUserId', 'getUsersTokensInfo', 'auditTokens'] as const) {
      await assert.rejects(call('authserver', alice, (c, o) => c.call(method, { userId: 'bob' }, o)), denied(/ProxyManagement/), method);
    }
    const deleted = await call('authserver', alice, (c, o) => c.call('deleteToken', { userId: 'alice', reason: 'logout' }, o));
    assert.equal(deleted.deletedCount, 1);
    const event = (await call('authserver', alice, (c, o) => c.call('listTokenHistory', { userId: 'alice' }, o))).events.find((e) => e.action === tokenmanagerV1.TokenHistoryAction.DELETED);
    assert.deepEqual({ id: event?.actor?.id, via: event?.actor?.viaService }, { id: 'alice', via: AUTHSERVER }, 'recorded as the user, through the authserver');
    const bobsNow = await call('demo-admin', undefined, (c) => c.call('getTokensByUserId', { userId: 'bob' }));
    assert.deepEqual(bobsNow.tokens.map((t) => t.tokenId), [bobs.token?.tokenId], "bob's token untouched");
  });

  test('a service that is not a TokenIssuer may not forward even a valid token; invalid tokens are UNAUTHENTICATED in our words', async () => {
    const alice = await accessToken(k1, 'alice');
    await assert.rejects(call('demo-service', alice, (c, o) => c.call('whoami', {}, o)), denied(/demo-service may not act for users/));
    const foreign = { ...(await testKey('k1')) };
    const refused = [
      await accessToken(foreign, 'alice'),
      await accessToken(k1, 'alice', { exp: Math.floor(Date.now() / 1000) - 60 }),
      await accessToken(k1, 'alice', { aud: 'another-service' }),
      await accessToken(k1, 'bob', { group: 'dirac_admin' }),
      await accessToken(k1, 'mallory'),
      await accessToken(k1, 'tessera-web', { group: undefined, vo: undefined, client_id: 'tessera-web' }),
    ];
    for (const token of refused) {
      await assert.rejects(call('authserver', token, (c, o) => c.call('whoami', {}, o)), (e: ServiceError) => e.code === status.UNAUTHENTICATED && e.details === 'the access token is not valid');
    }
  });

  test('a rotated-in signing key is picked up from the JWKS at its first token; a JWKS that cannot be fetched is UNAVAILABLE', async () => {
    const k2 = await testKey('k2');
    published = [k1.jwk, k2.jwk];
    const before = fetches;
    const who = await call('authserver', await accessToken(k2, 'bob'), (c, o) => c.call('whoami', {}, o));
    assert.equal(who.subject, 'bob');
    assert.equal(fetches, before + 1);
    assert.equal((await call('authserver', await accessToken(k1, 'bob'), (c, o) => c.call('whoami', {}, o))).subject, 'bob', 'the old key still verifies');

    jwks.closeAllConnections();
    jwks.close();
    await once(jwks, 'close');
    const k3 = await testKey('k3');
    await assert.rejects(call('authserver', await accessToken(k3, 'bob'), (c, o) => c.call('whoami', {}, o)), (e: ServiceError) => e.code === status.UNAVAILABLE, 'not a refusal: retry later');
    assert.equal((await call('authserver', await accessToken(k1, 'bob'), (c, o) => c.call('whoami', {}, o))).subject, 'bob', 'known keys still verify while the JWKS is down');
  });
});
