// GetToken end to end: a user logged in at the real dev-idp through the real idp-gateway (each in
// its own process, the IdP behind a fault proxy that counts its requests), the IdP tokens stored
// with UpdateToken, and platform services asking for access tokens over gRPC/mTLS, against two
// tokenmanager replicas sharing one MariaDB.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createClient, type Client } from '@connectrpc/connect';
import { status, type ServiceError } from '@grpc/grpc-js';
import { IdpGatewayService, TokenManagerService, tokenmanagerV1 } from '@tessera/contracts';
import { createLogger } from '@tessera/observability';
import { createServiceTransport, TlsWatcher, type RpcApp } from '@tessera/rpc';
import { Browser, createTestPki, findForm, freePort, grpcJsClient, standInUserTokens, startAppProcess, startFaultProxy, testConfig, testEnv, type AppProcess, type FaultProxy, type TestPki } from '@tessera/testing';
import { TokenCipher } from './crypto/token-cipher.js';
import { buildTokenManager } from './factory.js';
import { AccessTokenFront } from './services/access-token-front.js';
import { AccessTokenService } from './services/access-token-service.js';
import { RevocationWorker } from './services/revocation-worker.js';
import type { TokenError } from './services/token-errors.js';
import type { TokenDb } from './storage/stores.js';
import { openTokenDb } from './storage/create-token-db.js';
import { connectIdpGateway } from './upstream/idp-gateway.js';
import { createTestDatabase, type TestDatabase } from './testing/test-databases.js';

const REDIRECT = 'http://127.0.0.1:8080/auth/callback';
const { TokenErrorDetailSchema } = tokenmanagerV1;
/** Bob, as the authserver would vouch for him. */
const userTokens = standInUserTokens({ id: 'bob', group: 'dirac_user', properties: ['NormalUser', 'PrivateLimitedDelegation'] });

let pki: TestPki;
let proxy: FaultProxy;
let devIdp: AppProcess;
let gateway: AppProcess;
let database: TestDatabase;
const replicas: RpcApp[] = [];
let asAuthserver: Client<typeof IdpGatewayService>;
let authserverTls: TlsWatcher;
let envOfReplicas: Record<string, string>;

const refreshes = () => proxy.requests.filter((r) => r.method === 'POST' && r.path.startsWith('/token')).length;

before(async () => {
  pki = await createTestPki();
  const issuerPort = await freePort();
  proxy = await startFaultProxy('http://127.0.0.1:1', { port: issuerPort });
  const issuer = proxy.url;
  devIdp = await startAppProcess('dev-idp', { TESSERA__APPS__DEVIDP__HTTP: '127.0.0.1:0', TESSERA__APPS__DEVIDP__ISSUER: issuer, TESSERA__IDPS__DEV_IDP__ISSUER: issuer, TESSERA__APPS__DEVIDP__TTL__ACCESSTOKEN: '10m' }, [/^dev-idp listening$/]);
  proxy.setTarget(`http://127.0.0.1:${devIdp.port(/^dev-idp listening$/)}`);
  gateway = await startAppProcess('idp-gateway', { ...testEnv(pki), TESSERA__IDPS__DEV_IDP__ISSUER: issuer }, [/^gRPC server listening$/]);
  database = await createTestDatabase('mariadb');
  const env = {
    TESSERA__IDPS__DEV_IDP__ISSUER: issuer,
    TESSERA__APPS__TOKENMANAGER__IDPGATEWAY__ADDRESS: `127.0.0.1:${gateway.port(/^gRPC server listening$/)}`,
    TESSERA__APPS__TOKENMANAGER__DATABASE__PATH: '',
    // The outbox is worked by the test itself, below.
    TESSERA__APPS__TOKENMANAGER__REVOCATIONOUTBOXINTERVAL: '1h',
    TESSERA__APPS__TOKENMANAGER__DATABASE: JSON.stringify({ type: 'mariadb', url: (database.config as { url: { reveal(): string } }).url.reveal() }),
  };
  envOfReplicas = env;
  const config = testConfig(pki, env);
  const opened = await openTokenDb(config.apps.tokenmanager!.database, new TokenCipher(config.apps.tokenmanager!.encryption));
  await opened.migrate(); // as the migration Job would, before the replicas start
  await opened.db.close();
  for (let i = 0; i < 2; i++) replicas.push(await buildTokenManager(testConfig(pki, env), { userTokens, logger: createLogger({ name: 'tokenmanager', level: 'silent' }) }).listen());
  authserverTls = new TlsWatcher(pki.files('authserver'));
  asAuthserver = createClient(IdpGatewayService, createServiceTransport({ address: `127.0.0.1:${gateway.port(/^gRPC server listening$/)}`, serverName: 'idp-gateway', tls: authserverTls }));
});

after(async () => {
  for (const replica of replicas) await replica.close({ graceMs: 500 });
  authserverTls?.stop();
  await gateway?.stop();
  await devIdp?.stop();
  await proxy?.close();
  await database?.drop();
  pki?.remove();
});

const tm = (identity: string, replica = 0) => grpcJsClient(TokenManagerService, `127.0.0.1:${replicas[replica]!.grpcPort}`, pki.material(identity), 'tokenmanager');

/** Logs `user` in at dev-idp through the gateway and stores the tokens as the authserver does
 * (in replica 0, or the tokenmanager at `port`). */
async function loginAndStore(user: string, port?: number) {
  const begun = await asAuthserver.beginAuthorization({ provider: 'dev-idp', redirectUri: REDIRECT, groupScopes: ['wlcg.groups:/dirac/user'] });
  const browser = new Browser();
  const page = await browser.page(begun.authorizationUrl);
  const callback = await browser.go(findForm(page).action, { form: { login: user, password: user }, stopAt: REDIRECT });
  assert.ok(callback instanceof URL);
  const done = await asAuthserver.completeAuthorization({ sealedState: begun.sealedState, callback: { case: 'callbackUrl', value: callback.href } });
  const { $typeName: _t, ...tokenSet } = done.tokenSet!;
  const client = port === undefined ? tm('authserver') : grpcJsClient(TokenManagerService, `127.0.0.1:${port}`, pki.material('authserver'), 'tokenmanager');
  try {
    return await client.call('updateToken', { userId: user, provider: 'dev-idp', subject: done.identity!.subject, clientId: tokenSet.clientId, tokenSet });
  } finally {
    client.close();
  }
}

/** Whether the failure carries a TokenErrorDetail (in grpc-status-details-bin, as a google.rpc.Status). */
const hasTokenErrorDetail = (e: ServiceError) => {
  const raw = e.metadata.get('grpc-status-details-bin')[0];
  return raw instanceof Buffer && raw.includes(Buffer.from(TokenErrorDetailSchema.typeName));
};

/** TokenDB, the gateway and a revocation worker as a replica has them, for the tests that reach
 * below the RPC surface. */
async function direct() {
  const config = testConfig(pki, envOfReplicas);
  const app = config.apps.tokenmanager!;
  const opened = await openTokenDb(app.database, new TokenCipher(app.encryption));
  const tls = new TlsWatcher(pki.files('tokenmanager'));
  const gatewayClient = connectIdpGateway(app.idpGateway, tls);
  const worker = new RevocationWorker(opened.db, gatewayClient.client, createLogger({ name: 'test', level: 'silent' }));
  return {
    config,
    opened,
    gatewayClient,
    worker,
    pending: () => opened.db.transaction((s) => s.outbox.due(new Date(Date.now() + 7_200_000), 100)),
    async close() {
      gatewayClient.close();
      tls.stop();
      await opened.db.close();
    },
  };
}

describe('GetToken', () => {
  test('a platform service gets an access token for alice; the second call is served from the cache on any replica', async () => {
    await loginAndStore('alice');
    const before = refreshes();
    const service = tm('demo-service', 0);
    const other = tm('demo-service', 1);
    try {
      const first = await service.call('getToken', { userId: 'alice', group: 'dirac_user' });
      assert.equal(first.cached, false);
      assert.equal(first.provider, 'dev-idp');
      assert.equal(first.group, 'dirac_user');
      assert.ok(first.scopes.includes('wlcg.groups:/dirac/user'), `the group's IdP scope: ${first.scopes.join(' ')}`);
      assert.ok(first.accessToken.length > 20);
      assert.equal(refreshes() - before, 1, 'one refresh at the IdP');
      const again = await other.call('getToken', { userId: 'alice', group: 'dirac_user' });
      assert.equal(again.cached, true, 'the other replica serves what the first obtained');
      assert.equal(again.accessToken, first.accessToken);
      assert.equal(refreshes() - before, 1, 'no IdP call for a cache hit');
      const longer = await service.call('getToken', { userId: 'alice', group: 'dirac_user', minLifetime: { seconds: BigInt(24 * 3600) } }).catch((e: ServiceError) => e);
      assert.equal((longer as ServiceError).code, status.FAILED_PRECONDITION, 'a lifetime even a new token cannot reach');
      assert.match((longer as ServiceError).details, /lives less than/);
    } finally {
      service.close();
      other.close();
    }
  });

  test('200 concurrent cold GetToken across two tokenmanager processes make exactly one refresh, and the rotated token is kept', async () => {
    const processes = await Promise.all([0, 1].map(() => startAppProcess('tokenmanager', { ...testEnv(pki), ...envOfReplicas }, [/^gRPC server listening$/])));
    const clients = processes.map((p) => grpcJsClient(TokenManagerService, `127.0.0.1:${p.port(/^gRPC server listening$/)}`, pki.material('demo-service'), 'tokenmanager'));
    const before = refreshes();
    try {
      const answers = await Promise.all(Array.from({ length: 200 }, (_, i) => clients[i % 2]!.call('getToken', { userId: 'alice', group: 'dirac_user', scopes: ['profile'] }, { deadlineMs: 30_000 })));
      assert.equal(refreshes() - before, 1, 'dev-idp saw exactly one refresh');
      assert.equal(new Set(answers.map((a) => a.accessToken)).size, 1, 'everyone got the one token');
      // dev-idp rotates refresh tokens and refuses a used one: another refresh works only if the
      // newest refresh token was stored.
      const fresh = await clients[0]!.call('getToken', { userId: 'alice', group: 'dirac_user', scopes: ['email'] });
      assert.equal(fresh.cached, false);
      assert.equal(refreshes() - before, 2);
    } finally {
      clients.forEach((c) => c.close());
      await Promise.all(processes.map((p) => p.stop()));
    }
  });

  test('each caller gets what the contract allows it, and no more', async () => {
    const admin = tm('demo-admin');
    const viaAuthserver = tm('authserver');
    const bob = { 'tessera-user-token': 'Bearer bob-token' };
    try {
      await assert.rejects(admin.call('getToken', { userId: 'alice', group: 'dirac_user' }), (e: ServiceError) => e.code === status.PERMISSION_DENIED && /FullDelegation, LimitedDelegation, PrivateLimitedDelegation/.test(e.details));
      await assert.rejects(viaAuthserver.call('getToken', { userId: 'alice', group: 'dirac_user' }, { metadata: bob }), (e: ServiceError) => e.code === status.PERMISSION_DENIED && /only for themselves/.test(e.details));
      await assert.rejects(viaAuthserver.call('getToken', { userId: 'bob', group: 'dirac_admin' }, { metadata: bob }), (e: ServiceError) => e.code === status.PERMISSION_DENIED && /does not allow PrivateLimitedDelegation/.test(e.details));
      // Bob for himself passes the rule; he has never logged in, so there is nothing to refresh.
      await assert.rejects(viaAuthserver.call('getToken', { userId: 'bob', group: 'dirac_user' }, { metadata: bob }), (e: ServiceError) => {
        assert.equal(e.code, status.FAILED_PRECONDITION);
        assert.match(e.details, /no stored token for bob at dev-idp: the user must log in/);
        assert.ok(hasTokenErrorDetail(e), 'with its TokenErrorDetail');
        return true;
      });
      await assert.rejects(viaAuthserver.call('getToken', { userId: '', provider: 'dev-idp' }, { metadata: bob }), (e: ServiceError) => e.code === status.PERMISSION_DENIED, 'client tokens need Full or LimitedDelegation');
      await assert.rejects(
        viaAuthserver.call('getToken', { userId: 'bob', group: 'dirac_user', scopes: ['wlcg.groups:/dirac/admin'] }, { metadata: bob }),
        (e: ServiceError) => e.code === status.PERMISSION_DENIED && /scopes of other groups may not be asked for \(wlcg.groups:\/dirac\/admin\)/.test(e.details),
        "oneself in one group, not with another group's scopes",
      );
    } finally {
      admin.close();
      viaAuthserver.close();
    }
  });

  test('bad requests are refused with the reason: unknown group, wrong provider, not a member, neither group nor provider', async () => {
    const service = tm('demo-service');
    try {
      const cases: [object, number, RegExp][] = [
        [{ userId: 'alice', group: 'nope' }, status.INVALID_ARGUMENT, /no group "nope"/],
        [{ userId: 'alice', group: 'dirac_user', provider: 'other-idp' }, status.INVALID_ARGUMENT, /served by dev-idp, not other-idp/],
        [{ userId: 'bob', group: 'dirac_admin' }, status.PERMISSION_DENIED, /bob is not a member of dirac_admin/],
        [{ userId: 'alice' }, status.INVALID_ARGUMENT, /name a group or a provider/],
        [{ userId: 'mallory', group: 'dirac_user' }, status.PERMISSION_DENIED, /no user "mallory"/],
        [{ userId: 'alice', group: 'dirac_user', scopes: ['openid wlcg.groups:/dirac/admin'] }, status.INVALID_ARGUMENT, /is not one scope \(RFC 6749 §3.3\)/],
        [{ userId: '', provider: 'made-up-idp' }, status.INVALID_ARGUMENT, /no identity provider named "made-up-idp"/],
      ];
      for (const [request, code, message] of cases) {
        await assert.rejects(service.call('getToken', request as never), (e: ServiceError) => {
          assert.equal(e.code, code, JSON.stringify(request));
          assert.match(e.details, message);
          assert.ok(hasTokenErrorDetail(e), `${JSON.stringify(request)}: with a TokenErrorDetail`);
          return true;
        });
      }
      const authserver = tm('authserver');
      await assert.rejects(authserver.call('updateToken', { userId: 'alice', provider: 'dev-idp', subject: 'alice', tokenSet: { accessToken: 'x' } }), (e: ServiceError) => {
        assert.equal(e.code, status.INVALID_ARGUMENT);
        assert.match(e.details, /refresh_token is required/);
        assert.ok(hasTokenErrorDetail(e), 'UpdateToken failures carry it too');
        return true;
      });
      authserver.close();
    } finally {
      service.close();
    }
  });

  test('a grant the IdP rejects is marked dead once: later calls say so without asking the IdP again', async () => {
    const authserver = tm('authserver');
    const service = tm('demo-service');
    try {
      await authserver.call('updateToken', { userId: 'bob', provider: 'dev-idp', subject: 'bob', clientId: 'tessera-idp-gateway', tokenSet: { refreshToken: 'rt-not-known-to-the-idp', scopes: ['openid'] } });
      const before = refreshes();
      for (let i = 0; i < 2; i++) {
        await assert.rejects(service.call('getToken', { userId: 'bob', group: 'dirac_user' }), (e: ServiceError) => {
          assert.equal(e.code, status.FAILED_PRECONDITION);
          assert.match(e.details, /rejected .*stored grant: the user must log in again/);
          return true;
        });
      }
      assert.equal(refreshes() - before, 1, 'the IdP was asked once');
      const history = await tm('demo-admin').call('listTokenHistory', { userId: 'bob', actions: [tokenmanagerV1.TokenHistoryAction.REFRESH_FAILED] });
      assert.equal(history.events.length, 1);
      assert.equal(history.events[0]?.detail, 'invalid_grant');
    } finally {
      authserver.close();
      service.close();
    }
  });

  test('a token for an audience is exchanged for one (RFC 8693) at an IdP that offers it, and cached for that audience', async () => {
    const service = tm('demo-service');
    try {
      const audience = 'https://storage.example.org';
      const token = await service.call('getToken', { userId: 'alice', group: 'dirac_user', scopes: ['openid'], audience });
      assert.equal(token.cached, false);
      assert.equal(token.audience, audience);
      const discovery = (await (await fetch(`${proxy.url}/.well-known/openid-configuration`)).json()) as { introspection_endpoint: string };
      const introspected = (await (await fetch(discovery.introspection_endpoint, { method: 'POST', body: new URLSearchParams({ token: token.accessToken, client_id: 'tessera-idp-gateway', client_secret: 'dev-idp-gateway-secret' }) })).json()) as { active: boolean; aud?: string | string[] };
      assert.equal(introspected.active, true);
      assert.deepEqual([introspected.aud].flat(), [audience], 'the IdP issued it for that audience');
      const again = await service.call('getToken', { userId: 'alice', group: 'dirac_user', scopes: ['openid'], audience });
      assert.equal(again.cached, true);
      const plain = await service.call('getToken', { userId: 'alice', group: 'dirac_user', scopes: ['openid'] });
      assert.notEqual(plain.accessToken, token.accessToken, 'another audience, another cache entry');
      const history = await tm('demo-admin').call('listTokenHistory', { userId: 'alice', actions: [tokenmanagerV1.TokenHistoryAction.EXCHANGED] });
      assert.equal(history.events[0]?.detail, `for ${audience}`);
    } finally {
      service.close();
    }
  });

  test("a VO's client token comes from client credentials and is cached", async () => {
    const service = tm('demo-service');
    try {
      const first = await service.call('getToken', { userId: '', provider: 'dev-idp' });
      assert.equal(first.cached, false);
      const second = await service.call('getToken', { userId: '', provider: 'dev-idp' });
      assert.equal(second.cached, true);
      assert.equal(second.accessToken, first.accessToken);
    } finally {
      service.close();
    }
  });
});

describe('GetToken when things fail midway', () => {
  test('a caller who gives up does not abort the shared refresh: it commits, and the next call is a cache hit', async () => {
    const service = tm('demo-service');
    try {
      proxy.setFault({ kind: 'latency', ms: 400 }, { pathPrefix: '/token' });
      const before = refreshes();
      await assert.rejects(service.call('getToken', { userId: 'alice', group: 'dirac_user', scopes: ['profile', 'email'] }, { deadlineMs: 150 }), (e: ServiceError) => e.code === status.DEADLINE_EXCEEDED);
      await new Promise((r) => setTimeout(r, 900));
      proxy.setFault({ kind: 'none' });
      const after = await service.call('getToken', { userId: 'alice', group: 'dirac_user', scopes: ['profile', 'email'] });
      assert.equal(after.cached, true, 'the refresh finished and was stored');
      assert.equal(refreshes() - before, 1);
    } finally {
      proxy.setFault({ kind: 'none' });
      service.close();
    }
  });

  test('a write that fails after the IdP rotated the refresh token keeps the rotated one', async () => {
    const { config, opened, gatewayClient, close } = await direct();
    // TokenDB as it is, but the cache write of the next refresh fails (the database went away, say).
    let failNextPut = true;
    const faulty: TokenDb = {
      close: () => opened.db.close(),
      transaction: (work, options) =>
        opened.db.transaction(
          (stores) =>
            work({
              ...stores,
              cache: {
                ...stores.cache,
                get: (...a) => stores.cache.get(...a),
                forget: (...a) => stores.cache.forget(...a),
                put: (entry) => {
                  if (!failNextPut) return stores.cache.put(entry);
                  failNextPut = false;
                  return Promise.reject(new Error('the database went away'));
                },
              },
            }),
          options,
        ),
    };
    const service = new AccessTokenService(faulty, config.registry, gatewayClient.client, new AccessTokenFront(), { providers: new Set(Object.keys(config.idps)) });
    const request = { userId: 'alice', group: 'dirac_user', provider: '', scopes: ['openid', 'email'], audience: '', minLifetimeMs: 0, skipCache: true };
    const context = () => ({ actor: { kind: 'service' as const, id: 'test' }, requestId: 'r' });
    try {
      const before = refreshes();
      await assert.rejects(service.get(request, context), (e: TokenError) => e.reason === tokenmanagerV1.TokenErrorReason.IDP_UNAVAILABLE && /rotated refresh token was kept: retry/.test(e.message));
      // dev-idp refuses a used refresh token: this works only if the rotated one was kept.
      const next = await service.get(request, context);
      assert.equal(next.cached, false);
      assert.equal(refreshes() - before, 2);
    } finally {
      await close();
    }
  });
});

describe('GetToken on the embedded SQLite default', () => {
  test('stores, refreshes through the gateway and serves from the cache, as on MariaDB', async () => {
    const embedded = await buildTokenManager(
      testConfig(pki, { TESSERA__IDPS__DEV_IDP__ISSUER: proxy.url, TESSERA__APPS__TOKENMANAGER__IDPGATEWAY__ADDRESS: envOfReplicas.TESSERA__APPS__TOKENMANAGER__IDPGATEWAY__ADDRESS! }),
      { logger: createLogger({ name: 'tokenmanager', level: 'silent' }) },
    ).listen();
    const client = grpcJsClient(TokenManagerService, `127.0.0.1:${embedded.grpcPort}`, pki.material('demo-service'), 'tokenmanager');
    try {
      await loginAndStore('bob', embedded.grpcPort);
      const before = refreshes();
      const answers = await Promise.all(Array.from({ length: 20 }, () => client.call('getToken', { userId: 'bob', group: 'dirac_user' })));
      assert.equal(refreshes() - before, 1, 'one refresh for twenty concurrent calls');
      assert.equal(new Set(answers.map((a) => a.accessToken)).size, 1);
      assert.equal((await client.call('getToken', { userId: 'bob', group: 'dirac_user' })).cached, true);
      const rotatedAgain = await client.call('getToken', { userId: 'bob', group: 'dirac_user', skipCache: true });
      assert.equal(rotatedAgain.cached, false, 'the rotated refresh token was stored');
    } finally {
      client.close();
      await embedded.close({ graceMs: 200 });
    }
  });
});

describe('the per-user limit on IdP calls', () => {
  test('skip_cache beyond the limit is RESOURCE_EXHAUSTED with retry_after, and cache hits are not limited', async () => {
    const limited = await buildTokenManager(testConfig(pki, { ...envOfReplicas, TESSERA__APPS__TOKENMANAGER__IDPCALLSPERUSERPERMINUTE: '2' }), { logger: createLogger({ name: 'tokenmanager', level: 'silent' }) }).listen();
    const client = grpcJsClient(TokenManagerService, `127.0.0.1:${limited.grpcPort}`, pki.material('demo-service'), 'tokenmanager');
    try {
      const ask = (skipCache: boolean) => client.call('getToken', { userId: 'alice', group: 'dirac_user', skipCache });
      await ask(true);
      await ask(true);
      await assert.rejects(ask(true), (e: ServiceError) => {
        assert.equal(e.code, status.RESOURCE_EXHAUSTED);
        assert.match(e.details, /too many IdP calls for alice at dev-idp; retry in \d+ s/);
        assert.ok(hasTokenErrorDetail(e));
        return true;
      });
      for (let i = 0; i < 5; i++) assert.equal((await ask(false)).cached, true, 'served from the cache');
    } finally {
      client.close();
      await limited.close({ graceMs: 200 });
    }
  });
});

describe('a tokenmanager killed during a refresh', () => {
  test('leaves no half-written row: the next GetToken works or says the user must log in again', async () => {
    const victim = await startAppProcess('tokenmanager', { ...testEnv(pki), ...envOfReplicas }, [/^gRPC server listening$/]);
    const client = grpcJsClient(TokenManagerService, `127.0.0.1:${victim.port(/^gRPC server listening$/)}`, pki.material('demo-service'), 'tokenmanager');
    const before = refreshes();
    try {
      proxy.setFault({ kind: 'latency', ms: 600 }, { pathPrefix: '/token' });
      const dying = client.call('getToken', { userId: 'alice', group: 'dirac_user', skipCache: true }, { deadlineMs: 10_000 }).catch((e: ServiceError) => e);
      // Kill it while its refresh is at the IdP, its transaction open and the row locked.
      while (refreshes() === before) await new Promise((r) => setTimeout(r, 20));
      victim.child.kill('SIGKILL');
      await dying;
    } finally {
      proxy.setFault({ kind: 'none' });
      client.close();
      await victim.stop();
    }
    const survivor = tm('demo-service');
    const admin = tm('demo-admin');
    try {
      const next = await survivor.call('getToken', { userId: 'alice', group: 'dirac_user', skipCache: true }).then(
        (answer) => ({ ok: true as const, answer }),
        (e: ServiceError) => ({ ok: false as const, e }),
      );
      if (!next.ok) {
        // The IdP rotated the token before the process died, and the rotated one died with it.
        assert.equal(next.e.code, status.FAILED_PRECONDITION);
        assert.match(next.e.details, /the user must log in again/);
      }
      const rows = await admin.call('getTokensByUserId', { userId: 'alice' });
      assert.equal(rows.tokens.length, 1, 'one row, whole');
    } finally {
      survivor.close();
      admin.close();
    }
    await loginAndStore('alice'); // whatever happened, alice logs in again for the tests after
  });
});

describe('the revocation outbox', () => {
  test('a superseded refresh token is revoked at the IdP once it answers again, and only then leaves the outbox', async () => {
    const { opened, worker, pending, close } = await direct();
    try {
      await worker.runOnce(new Date(Date.now() + 7_200_000)); // what earlier tests queued
      await loginAndStore('alice'); // supersedes alice's stored token
      const queued = await pending();
      assert.equal(queued.length, 1);
      const retired = queued[0]!.token;
      const discovery = (await (await fetch(`${proxy.url}/.well-known/openid-configuration`)).json()) as { revocation_endpoint: string; introspection_endpoint: string };
      const introspect = async (token: string) =>
        ((await (await fetch(discovery.introspection_endpoint, { method: 'POST', body: new URLSearchParams({ token, client_id: 'tessera-idp-gateway', client_secret: 'dev-idp-gateway-secret' }) })).json()) as { active: boolean }).active;
      assert.equal(await introspect(retired), true, 'still valid at the IdP');

      proxy.setFault({ kind: 'status', status: 503 }, { pathPrefix: new URL(discovery.revocation_endpoint).pathname });
      assert.deepEqual(await worker.runOnce(), { revoked: 0, failed: 1 });
      assert.equal((await pending()).length, 1, 'kept while the IdP fails');
      assert.equal((await pending())[0]?.attempts, 1);
      assert.deepEqual(await worker.runOnce(), { revoked: 0, failed: 0 }, 'not before its backoff');

      proxy.setFault({ kind: 'none' });
      assert.deepEqual(await worker.runOnce(new Date(Date.now() + 7_200_000)), { revoked: 1, failed: 0 });
      assert.equal((await pending()).length, 0);
      assert.equal(await introspect(retired), false, 'revoked at the IdP');
      const history = await opened.db.transaction((s) => s.history.list({ userId: 'alice', actions: ['revocation_failed', 'revoked_upstream'] }, { limit: 10 }));
      assert.deepEqual(history.map((e) => e.action).slice(0, 2), ['revoked_upstream', 'revocation_failed']);
      assert.equal(history[0]?.actor.id, 'system:revocation-outbox');
      assert.doesNotMatch(JSON.stringify(history), new RegExp(retired), 'no token in the history');
    } finally {
      proxy.setFault({ kind: 'none' });
      await close();
    }
  });
});

test('metrics: GetToken by outcome and cache, refreshes by outcome, stored tokens and the outbox, read from TokenDB', async () => {
  const body = await (await fetch(`http://127.0.0.1:${replicas[0]!.metricsPort}/metrics`)).text();
  assert.match(body, /tokenmanager_get_token_total\{outcome="ok",cache="hit"[^}]*\} [1-9]/);
  assert.match(body, /tokenmanager_get_token_total\{outcome="grant_rejected",cache="miss"[^}]*\} [1-9]/);
  assert.match(body, /tokenmanager_idp_refreshes_total\{provider="dev-idp",outcome="rotated"[^}]*\} [1-9]/);
  assert.match(body, /tokenmanager_stored_tokens\{provider="dev-idp"[^}]*\} 2\b/, 'alice and bob');
  assert.match(body, /tokenmanager_revocation_outbox_depth(\{[^}]*\})? \d+/);
  assert.match(body, /tokenmanager_revocation_outbox_oldest_age_seconds(\{[^}]*\})? [\d.]+/);
});

test('an outbox entry survives a tokenmanager killed while sending it, and another replica delivers it', async () => {
  const discovery = (await (await fetch(`${proxy.url}/.well-known/openid-configuration`)).json()) as { revocation_endpoint: string };
  const revocationPath = new URL(discovery.revocation_endpoint).pathname;
  const { worker, pending, close } = await direct();
  try {
    await worker.runOnce(new Date(Date.now() + 7_200_000));
    await loginAndStore('alice'); // queues the superseded token
    assert.equal((await pending()).length, 1);
    proxy.setFault({ kind: 'latency', ms: 5_000 }, { pathPrefix: revocationPath });
    const sent = () => proxy.requests.filter((r) => r.path.startsWith(revocationPath)).length;
    const before = sent();
    const victim = await startAppProcess('tokenmanager', { ...testEnv(pki), ...envOfReplicas, TESSERA__APPS__TOKENMANAGER__REVOCATIONOUTBOXINTERVAL: '100ms' }, [/^gRPC server listening$/]);
    while (sent() === before) await new Promise((r) => setTimeout(r, 20));
    victim.child.kill('SIGKILL');
    await victim.stop();
    proxy.setFault({ kind: 'none' });
    assert.equal((await pending()).length, 1, 'still in the outbox');
    assert.deepEqual(await worker.runOnce(new Date(Date.now() + 7_200_000)), { revoked: 1, failed: 0 });
    assert.equal((await pending()).length, 0);
  } finally {
    proxy.setFault({ kind: 'none' });
    await close();
  }
});
