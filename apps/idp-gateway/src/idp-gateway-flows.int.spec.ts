// The gateway against the real dev-idp (its own process) behind a fault-injecting proxy, called
// over mTLS the way authserver and tokenmanager call it.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Code, ConnectError, createClient, type Client } from '@connectrpc/connect';
import { IdpGatewayService, idpgatewayV1 } from '@tessera/contracts';
import { createServiceTransport, TlsWatcher, type RpcApp } from '@tessera/rpc';
import {
  Browser,
  createTestPki,
  findForm,
  freePort,
  startAppProcess,
  startFaultProxy,
  testConfig,
  type AppProcess,
  type Fault,
  type FaultProxy,
  type TestPki,
} from '@tessera/testing';
import { buildIdpGateway } from './factory.js';
import { PassThrough } from 'node:stream';
import { createLogger } from '@tessera/observability';

const { IdpErrorKind, IdpErrorDetailSchema, TokenTypeHint } = idpgatewayV1;
const REDIRECT = 'http://127.0.0.1:8080/auth/callback';
const IDP = 'dev-idp';

let pki: TestPki;
let proxy: FaultProxy;
let devIdp: AppProcess;
const gateways: { app: RpcApp; tls: TlsWatcher }[] = [];
/** Everything every gateway logged, at debug level: checked for tokens at the end. */
let logged = '';
const logSink = new PassThrough().on('data', (d: Buffer) => (logged += d.toString()));
/** Every token the IdP issued during the tests. */
const issuedTokens = new Set<string>();
const remember = <T extends { tokenSet?: { accessToken: string; refreshToken: string; idToken: string } }>(r: T): T => {
  for (const t of [r.tokenSet?.accessToken, r.tokenSet?.refreshToken, r.tokenSet?.idToken]) if (t) issuedTokens.add(t);
  return r;
};

before(async () => {
  pki = await createTestPki();
  proxy = await startFaultProxy('http://127.0.0.1:1');
  devIdp = await startAppProcess(
    'dev-idp',
    { TESSERA__APPS__DEVIDP__ISSUER: proxy.url, TESSERA__APPS__DEVIDP__HTTP: '127.0.0.1:0', TESSERA__IDPS__DEV_IDP__ISSUER: proxy.url },
    [/^dev-idp listening$/],
  );
  proxy.setTarget(`http://127.0.0.1:${devIdp.port(/^dev-idp listening$/)}`);
});

after(async () => {
  for (const app of new Set(gateways.map((g) => g.app))) await app.close({ graceMs: 500 });
  for (const { tls } of gateways) tls.stop();
  await devIdp?.stop();
  await proxy?.close();
  pki.remove();
});

/**
 * A gateway on its own port with config overrides, and a client that calls each method as the
 * service the contract lets call it: authserver logs users in, tokenmanager does the rest.
 */
async function gateway(env: Record<string, string> = {}): Promise<Client<typeof IdpGatewayService>> {
  const config = testConfig(pki, { TESSERA__IDPS__DEV_IDP__ISSUER: proxy.url, ...env });
  const app = await buildIdpGateway(config, { logger: createLogger({ name: 'idp-gateway', level: 'debug', destination: logSink }) }).listen();
  const as = (identity: 'authserver' | 'tokenmanager') => {
    const tls = new TlsWatcher(pki.files(identity));
    gateways.push({ app, tls });
    return createClient(IdpGatewayService, createServiceTransport({ address: `127.0.0.1:${app.grpcPort}`, serverName: 'idp-gateway', tls }));
  };
  const authserver = as('authserver');
  return { ...as('tokenmanager'), beginAuthorization: authserver.beginAuthorization, completeAuthorization: authserver.completeAuthorization };
}

/** Logs in through dev-idp's form and returns the completed authorization. */
async function login(client: Client<typeof IdpGatewayService>, user: string, groupScopes: string[] = []) {
  const begun = await client.beginAuthorization({ provider: IDP, redirectUri: REDIRECT, groupScopes });
  const browser = new Browser();
  const page = await browser.page(begun.authorizationUrl);
  const form = findForm(page);
  const callback = await browser.go(form.action, { form: { login: user, password: user }, stopAt: REDIRECT });
  assert.ok(callback instanceof URL, 'the IdP redirected back with a code');
  return remember(await client.completeAuthorization({ sealedState: begun.sealedState, callback: { case: 'callbackUrl', value: callback.href } }));
}

async function introspect(token: string): Promise<{ active: boolean; scope?: string }> {
  const discovery = (await (await fetch(`${proxy.url}/.well-known/openid-configuration`)).json()) as { introspection_endpoint: string };
  const res = await fetch(discovery.introspection_endpoint, {
    method: 'POST',
    body: new URLSearchParams({ token, client_id: 'tessera-idp-gateway', client_secret: 'dev-idp-gateway-secret' }),
  });
  return (await res.json()) as { active: boolean; scope?: string };
}

/** The failed call's error and its IdpErrorDetail. */
async function failure(call: Promise<unknown>): Promise<{ error: ConnectError; detail: idpgatewayV1.IdpErrorDetail }> {
  try {
    await call;
  } catch (error) {
    assert.ok(error instanceof ConnectError, String(error));
    const [detail] = error.findDetails(IdpErrorDetailSchema);
    assert.ok(detail, `no IdpErrorDetail: ${error.rawMessage}`);
    return { error, detail };
  }
  assert.fail('the call succeeded');
}

/** A token endpoint answer with its ID token changed by `forge`. */
const forgeIdToken = (forge: (parts: string[]) => string[]) => (text: string) => {
  const body = JSON.parse(text) as { id_token?: string };
  assert.ok(body.id_token, 'the IdP issued an ID token');
  return JSON.stringify({ ...body, id_token: forge(body.id_token.split('.')).join('.') });
};
const b64u = (json: unknown) => Buffer.from(JSON.stringify(json)).toString('base64url');
const claimsOf = (part: string) => JSON.parse(Buffer.from(part, 'base64url').toString()) as Record<string, unknown>;

function expectIdpError(code: Code, kind: idpgatewayV1.IdpErrorKind) {
  return (error: unknown) => {
    assert.ok(error instanceof ConnectError, String(error));
    assert.equal(Code[error.code], Code[code], error.rawMessage);
    const [detail] = error.findDetails(IdpErrorDetailSchema);
    assert.equal(detail?.kind, kind, `kind ${IdpErrorKind[detail?.kind ?? 0]}`);
    assert.equal(detail?.provider, IDP);
    assert.doesNotMatch(error.rawMessage, /eyJ|[A-Za-z0-9_-]{40,}/, 'no token in the message');
    return true;
  };
}

describe('authorization, refresh, exchange, client credentials, revocation', () => {
  let client: Client<typeof IdpGatewayService>;
  before(async () => {
    client = await gateway();
  });

  test('ListProviders describes dev-idp and its capabilities', async () => {
    const { providers } = await client.listProviders({});
    const p = providers.find((x) => x.name === IDP);
    assert.ok(p);
    assert.equal(p.issuer, proxy.url);
    assert.equal(p.type, idpgatewayV1.ProviderType.IAM);
    assert.ok(p.supportsRevocation && p.supportsClientCredentials && p.supportsTokenExchange);
    assert.equal(p.health?.breakerState, idpgatewayV1.BreakerState.CLOSED);
  });

  test('a login round trip returns who the user is, the groups asked for, and the tokens', async () => {
    const done = await login(client, 'alice', ['wlcg.groups:/dirac/user']);
    assert.equal(done.identity?.subject, 'alice');
    assert.equal(done.identity?.issuer, proxy.url);
    assert.deepEqual(done.identity?.groups, ['/dirac/user']);
    assert.ok(done.tokenSet?.accessToken && done.tokenSet.refreshToken && done.tokenSet.idToken);
    assert.ok(done.tokenSet.expiresAt && done.tokenSet.expiresAt.seconds > BigInt(Math.floor(Date.now() / 1000)));
    assert.ok(done.tokenSet.scopes.includes('wlcg.groups:/dirac/user'));
    assert.ok(!done.refusedScopes.includes('wlcg.groups:/dirac/user'));
  });

  test('the sealed state is single-flow: tampered or foreign state is refused', async () => {
    const begun = await client.beginAuthorization({ provider: IDP, redirectUri: REDIRECT });
    const tampered = Uint8Array.from(begun.sealedState);
    tampered[tampered.length - 5]! ^= 1;
    await assert.rejects(
      client.completeAuthorization({ provider: IDP, sealedState: tampered, callback: { case: 'params', value: { code: 'x', state: begun.state } } }),
      expectIdpError(Code.InvalidArgument, IdpErrorKind.INVALID_REQUEST),
    );
    await assert.rejects(
      client.completeAuthorization({ sealedState: begun.sealedState, callback: { case: 'params', value: { code: 'x', state: 'another' } } }),
      expectIdpError(Code.InvalidArgument, IdpErrorKind.INVALID_REQUEST),
    );
  });

  test('refresh with a narrowed scope rotates the refresh token; the old one is then dead', async () => {
    const done = await login(client, 'alice', ['wlcg.groups:/dirac/user', 'wlcg.groups:/dirac/admin']);
    const old = done.tokenSet!.refreshToken;
    const refreshed = remember(await client.refreshToken({ provider: IDP, refreshToken: old, scopes: ['openid'], groupScopes: ['wlcg.groups:/dirac/user'] }));
    assert.deepEqual(refreshed.refusedScopes, []);
    assert.equal(refreshed.refreshTokenRotated, true);
    assert.notEqual(refreshed.tokenSet?.refreshToken, old);
    assert.ok(refreshed.tokenSet?.scopes.includes('wlcg.groups:/dirac/user'));
    assert.ok(!refreshed.tokenSet?.scopes.includes('wlcg.groups:/dirac/admin'), 'narrowed');
    await assert.rejects(client.refreshToken({ provider: IDP, refreshToken: old }), expectIdpError(Code.FailedPrecondition, IdpErrorKind.INVALID_GRANT));
  });

  test('token exchange narrows scope (RFC 8693)', async () => {
    const done = await login(client, 'bob', ['wlcg.groups:/dirac/user']);
    const exchanged = remember(await client.exchangeToken({
      provider: IDP,
      subjectToken: done.tokenSet!.accessToken,
      subjectTokenType: idpgatewayV1.TokenTypeIdentifier.ACCESS_TOKEN,
      scopes: ['openid', 'wlcg.groups:/dirac/user'],
    }));
    assert.equal(exchanged.issuedTokenType, idpgatewayV1.TokenTypeIdentifier.ACCESS_TOKEN);
    const seen = await introspect(exchanged.tokenSet!.accessToken);
    assert.equal(seen.active, true);
    assert.deepEqual(seen.scope?.split(' ').sort(), ['openid', 'wlcg.groups:/dirac/user']);
  });

  test('client credentials returns a token for the gateway itself', async () => {
    const { tokenSet } = remember(await client.clientCredentials({ provider: IDP }));
    assert.equal((await introspect(tokenSet!.accessToken)).active, true);
  });

  test('revocation really revokes: introspection then says inactive', async () => {
    const done = await login(client, 'bob');
    const token = done.tokenSet!.accessToken;
    assert.equal((await introspect(token)).active, true);
    const revoked = await client.revokeToken({ provider: IDP, token, tokenTypeHint: TokenTypeHint.ACCESS_TOKEN });
    assert.equal(revoked.revocationSupported, true);
    assert.equal((await introspect(token)).active, false);
    await client.revokeToken({ provider: IDP, token: done.tokenSet!.refreshToken, tokenTypeHint: TokenTypeHint.REFRESH_TOKEN });
    await assert.rejects(
      client.refreshToken({ provider: IDP, refreshToken: done.tokenSet!.refreshToken }),
      expectIdpError(Code.FailedPrecondition, IdpErrorKind.INVALID_GRANT),
    );
  });

  test('metrics count IdP calls by operation and outcome, and show the breaker state', async () => {
    const app = gateways[0]!.app;
    const text = await (await fetch(`http://127.0.0.1:${app.metricsPort}/metrics`)).text();
    assert.match(text, /idp_requests_total\{[^}]*operation="authorization_code",outcome="ok"[^}]*\} [1-9]/);
    assert.match(text, /idp_requests_total\{[^}]*operation="refresh",outcome="invalid_grant"[^}]*\} [1-9]/);
    assert.match(text, /idp_request_duration_seconds_count\{[^}]*operation="token_exchange"[^}]*\} [1-9]/);
    assert.match(text, /idp_requests_total\{[^}]*operation="discovery",outcome="ok"[^}]*\} 1\n/, 'discovery is cached');
    assert.match(text, /idp_circuit_breaker_state\{[^}]*idp="dev-idp"[^}]*\} 0/);
  });

  test('no token the IdP issued ever appears in the gateway logs', () => {
    assert.ok(issuedTokens.size >= 6, `tokens seen: ${issuedTokens.size}`);
    assert.ok(logged.length > 0, 'the gateway logged');
    for (const token of issuedTokens) assert.ok(!logged.includes(token), 'a token was logged');
  });

  test('a redirect URI with a query or fragment is refused before anything is sent', async () => {
    for (const redirectUri of [`${REDIRECT}?idp=x`, `${REDIRECT}#f`, 'not a url', 'ftp://host/cb']) {
      await assert.rejects(client.beginAuthorization({ provider: IDP, redirectUri }), expectIdpError(Code.InvalidArgument, IdpErrorKind.INVALID_REQUEST));
    }
  });

  test('an unknown IdP is NOT_FOUND, naming the ones configured', async () => {
    await assert.rejects(client.clientCredentials({ provider: 'nope' }), (e: ConnectError) => {
      assert.equal(e.code, Code.NotFound);
      assert.match(e.rawMessage, /dev-idp/);
      return true;
    });
  });
});

describe('failures at the IdP', () => {
  test('5xx answers are UNAVAILABLE (provider error), retried for safe calls only', async () => {
    const client = await gateway({ TESSERA__IDPS__DEV_IDP__RETRIES: '1' });
    await client.listProviders({}); // discovery done
    const tokenCalls = () => proxy.requests.filter((r) => r.path.startsWith('/token')).length;
    let before = tokenCalls();
    proxy.setFault({ kind: 'status', status: 500, body: 'boom' }, { pathPrefix: '/token' });
    try {
      await assert.rejects(client.clientCredentials({ provider: IDP }), expectIdpError(Code.Unavailable, IdpErrorKind.PROVIDER_ERROR));
      assert.equal(tokenCalls() - before, 2, 'client credentials tried twice (1 retry)');
      before = tokenCalls();
      await assert.rejects(client.refreshToken({ provider: IDP, refreshToken: 'whatever' }), expectIdpError(Code.Unavailable, IdpErrorKind.PROVIDER_ERROR));
      assert.equal(tokenCalls() - before, 1, 'a refresh is never repeated');
    } finally {
      proxy.setFault({ kind: 'none' });
    }
  });

  test('an IdP slower than its timeout is DEADLINE_EXCEEDED', async () => {
    const client = await gateway({ TESSERA__IDPS__DEV_IDP__TIMEOUT: '300ms', TESSERA__IDPS__DEV_IDP__RETRIES: '0' });
    await client.listProviders({});
    proxy.setFault({ kind: 'latency', ms: 1500 }, { pathPrefix: '/token' });
    try {
      await assert.rejects(client.clientCredentials({ provider: IDP }), expectIdpError(Code.DeadlineExceeded, IdpErrorKind.TIMEOUT));
    } finally {
      proxy.setFault({ kind: 'none' });
    }
  });

  test('dropped connections are UNAVAILABLE (unreachable)', async () => {
    const client = await gateway({ TESSERA__IDPS__DEV_IDP__RETRIES: '0' });
    await client.listProviders({});
    proxy.setFault({ kind: 'drop' }, { pathPrefix: '/token' });
    try {
      await assert.rejects(client.clientCredentials({ provider: IDP }), expectIdpError(Code.Unavailable, IdpErrorKind.UNREACHABLE));
    } finally {
      proxy.setFault({ kind: 'none' });
    }
  });

  test('a stopped IdP is UNAVAILABLE (unreachable) from discovery on', async () => {
    // A port nothing listens on (not port 1, which fetch refuses to use at all).
    const client = await gateway({ TESSERA__IDPS__DEV_IDP__ISSUER: `http://127.0.0.1:${await freePort()}`, TESSERA__IDPS__DEV_IDP__RETRIES: '0' });
    await assert.rejects(client.clientCredentials({ provider: IDP }), expectIdpError(Code.Unavailable, IdpErrorKind.UNREACHABLE));
  });

  test('ListProviders answers promptly while an IdP is too slow to discover', async () => {
    const client = await gateway({ TESSERA__IDPS__DEV_IDP__RETRIES: '0' });
    proxy.setFault({ kind: 'latency', ms: 3000 }, { pathPrefix: '/.well-known' });
    try {
      const started = Date.now();
      const { providers } = await client.listProviders({});
      assert.ok(Date.now() - started < 2500, `answered in ${Date.now() - started} ms`);
      assert.equal(providers[0]?.name, IDP);
      assert.equal(providers[0]?.supportsTokenExchange, false, 'capabilities unknown until discovered');
    } finally {
      proxy.setFault({ kind: 'none' });
    }
  });

  test('the breaker opens after repeated failures, fails fast, and recovers through a probe', async () => {
    const client = await gateway({
      TESSERA__IDPS__DEV_IDP__RETRIES: '0',
      TESSERA__IDPS__DEV_IDP__BREAKER__FAILURETHRESHOLD: '2',
      TESSERA__IDPS__DEV_IDP__BREAKER__OPENFOR: '700ms',
    });
    await client.listProviders({});
    proxy.setFault({ kind: 'status', status: 503 }, { pathPrefix: '/token' });
    for (let i = 0; i < 2; i++) {
      await assert.rejects(client.clientCredentials({ provider: IDP }), expectIdpError(Code.Unavailable, IdpErrorKind.PROVIDER_ERROR));
    }
    const sent = proxy.requests.length;
    await assert.rejects(client.clientCredentials({ provider: IDP }), expectIdpError(Code.Unavailable, IdpErrorKind.CIRCUIT_OPEN));
    assert.equal(proxy.requests.length, sent, 'nothing was sent while open');
    const open = (await client.listProviders({})).providers.find((p) => p.name === IDP);
    assert.equal(open?.health?.breakerState, idpgatewayV1.BreakerState.OPEN);
    proxy.setFault({ kind: 'none' });
    await new Promise((r) => setTimeout(r, 800));
    await client.clientCredentials({ provider: IDP });
    const closed = (await client.listProviders({})).providers.find((p) => p.name === IDP);
    assert.equal(closed?.health?.breakerState, idpgatewayV1.BreakerState.CLOSED);
  });

  test('client secrets are tried in order: a wrong first secret does not stop the gateway', async () => {
    const client = await gateway({ TESSERA__IDPS__DEV_IDP__CLIENTSECRETS: '[retired-secret, dev-idp-gateway-secret]' });
    const { tokenSet } = await client.clientCredentials({ provider: IDP });
    assert.ok(tokenSet?.accessToken);
  });

  test('when the IdP moves on to an earlier secret in the list, the gateway follows', async () => {
    const client = await gateway({ TESSERA__IDPS__DEV_IDP__CLIENTSECRETS: '[next-secret, dev-idp-gateway-secret]' });
    assert.ok((await client.clientCredentials({ provider: IDP })).tokenSet?.accessToken, 'settled on the second secret');
    // The IdP is replaced by one that only accepts the first secret (same issuer, behind the proxy).
    const rotated = await startAppProcess(
      'dev-idp',
      { TESSERA__APPS__DEVIDP__ISSUER: proxy.url, TESSERA__APPS__DEVIDP__HTTP: '127.0.0.1:0', TESSERA__IDPS__DEV_IDP__ISSUER: proxy.url, TESSERA__IDPS__DEV_IDP__CLIENTSECRETS: '[next-secret]' },
      [/^dev-idp listening$/],
    );
    proxy.setTarget(`http://127.0.0.1:${rotated.port(/^dev-idp listening$/)}`);
    try {
      assert.ok((await client.clientCredentials({ provider: IDP })).tokenSet?.accessToken, 'follows to the first secret');
    } finally {
      proxy.setTarget(`http://127.0.0.1:${devIdp.port(/^dev-idp listening$/)}`);
      await rotated.stop();
    }
  });

  test('only client secrets the IdP refuses: a clear error naming the cause', async () => {
    const client = await gateway({ TESSERA__IDPS__DEV_IDP__CLIENTSECRETS: '[retired-secret]' });
    await assert.rejects(client.clientCredentials({ provider: IDP }), (e: ConnectError) => {
      assert.match(e.rawMessage, /clientSecrets/);
      assert.doesNotMatch(e.rawMessage, /retired-secret/);
      return true;
    });
  });
});

describe('what the IdP sends is not trusted', () => {
  test("the IdP's error_description reaches neither the caller, nor ListProviders, nor the logs", async () => {
    const client = await gateway({ TESSERA__IDPS__DEV_IDP__RETRIES: '0', TESSERA__IDPS__DEV_IDP__BREAKER__FAILURETHRESHOLD: '100' });
    await client.listProviders({});
    const refreshToken = 'rt-SECRET-3f9a';
    const answer = (status: number, error: string): Fault => ({
      kind: 'status',
      status,
      contentType: 'application/json',
      body: JSON.stringify({ error, error_description: `refresh token ${refreshToken} is expired` }),
    });
    const seen: string[] = [];
    const refresh = async (fault: Fault, kind: idpgatewayV1.IdpErrorKind) => {
      proxy.setFault(fault, { pathPrefix: '/token', times: 1 });
      const { error, detail } = await failure(client.refreshToken({ provider: IDP, refreshToken }));
      assert.equal(IdpErrorKind[detail.kind], IdpErrorKind[kind]);
      assert.equal(detail.oauthErrorDescription, '');
      seen.push(error.message, JSON.stringify(detail), JSON.stringify(error.details), JSON.stringify([...error.metadata]));
    };
    try {
      await refresh(answer(400, 'invalid_grant'), IdpErrorKind.INVALID_GRANT);
      await refresh(answer(500, 'server_error'), IdpErrorKind.PROVIDER_ERROR);
      // A 4xx server-side error is read by openid-client, and counts for the breaker.
      await refresh(answer(400, 'temporarily_unavailable'), IdpErrorKind.PROVIDER_ERROR);
    } finally {
      proxy.setFault({ kind: 'none' });
    }
    const health = (await client.listProviders({})).providers.find((p) => p.name === IDP)?.health;
    assert.equal(health?.lastFailure, 'provider_error, HTTP 400, temporarily_unavailable');
    for (const text of [...seen, health.lastFailure]) assert.doesNotMatch(text, /SECRET/);
    assert.match(logged, /temporarily_unavailable/, 'the failures were logged');
    assert.doesNotMatch(logged, /SECRET/);
  });

  test('a refresh, exchange or code redemption that may have reached the IdP is not retryable; one that never left is', async () => {
    const client = await gateway({
      TESSERA__IDPS__DEV_IDP__RETRIES: '1',
      TESSERA__IDPS__DEV_IDP__TIMEOUT: '300ms',
      TESSERA__IDPS__DEV_IDP__BREAKER__FAILURETHRESHOLD: '100',
    });
    const done = await login(client, 'bob', ['wlcg.groups:/dirac/user']);
    const outcome = async (call: () => Promise<unknown>, fault: Fault) => {
      proxy.setFault(fault, { pathPrefix: '/token' });
      try {
        const { detail } = await failure(call());
        return [IdpErrorKind[detail.kind], detail.retryable];
      } finally {
        proxy.setFault({ kind: 'none' });
      }
    };
    const refresh = () => client.refreshToken({ provider: IDP, refreshToken: done.tokenSet!.refreshToken });
    const exchange = () => client.exchangeToken({ provider: IDP, subjectToken: done.tokenSet!.accessToken, scopes: ['openid'] });
    const status500: Fault = { kind: 'status', status: 500 };
    assert.deepEqual(await outcome(refresh, status500), ['PROVIDER_ERROR', false]);
    assert.deepEqual(await outcome(refresh, { kind: 'latency', ms: 1500 }), ['TIMEOUT', false]);
    assert.deepEqual(await outcome(refresh, { kind: 'drop' }), ['UNREACHABLE', false]);
    assert.deepEqual(await outcome(refresh, { kind: 'status', status: 200, contentType: 'text/html', body: '<html>' }), ['PROVIDER_ERROR', false]);
    assert.deepEqual(await outcome(exchange, status500), ['PROVIDER_ERROR', false]);
    // Safe calls are retried here and keep telling the caller it may retry.
    assert.deepEqual(await outcome(() => client.clientCredentials({ provider: IDP }), status500), ['PROVIDER_ERROR', true]);
    assert.deepEqual(await outcome(() => client.clientCredentials({ provider: IDP }), { kind: 'drop' }), ['UNREACHABLE', true]);

    const begun = await client.beginAuthorization({ provider: IDP, redirectUri: REDIRECT });
    const browser = new Browser();
    const callback = await browser.go(findForm(await browser.page(begun.authorizationUrl)).action, { form: { login: 'bob', password: 'bob' }, stopAt: REDIRECT });
    assert.ok(callback instanceof URL);
    const complete = () => client.completeAuthorization({ sealedState: begun.sealedState, callback: { case: 'callbackUrl', value: callback.href } });
    assert.deepEqual(await outcome(complete, status500), ['PROVIDER_ERROR', false]);
  });

  test('a refresh sent to a closed port never left: retryable', async () => {
    const client = await gateway({ TESSERA__IDPS__DEV_IDP__RETRIES: '0' });
    const closed = `http://127.0.0.1:${await freePort()}/token`;
    const moveTokenEndpoint = (text: string) => JSON.stringify({ ...(JSON.parse(text) as object), token_endpoint: closed });
    proxy.setFault({ kind: 'rewrite', body: moveTokenEndpoint }, { pathPrefix: '/.well-known/openid-configuration', times: 1 });
    await client.listProviders({}); // discovers the moved token endpoint
    const { detail } = await failure(client.refreshToken({ provider: IDP, refreshToken: 'whatever' }));
    assert.deepEqual([IdpErrorKind[detail.kind], detail.retryable], ['UNREACHABLE', true]);
  });

  test('an ID token that does not verify fails CompleteAuthorization (revoking what was issued); a refresh keeps the rotated token', async () => {
    const client = await gateway({ TESSERA__IDPS__DEV_IDP__RETRIES: '0' });
    const forgeries: Record<string, (parts: string[]) => string[]> = {
      'a junk signature': ([header, payload]) => [header!, payload!, Buffer.alloc(64, 7).toString('base64url')],
      'claims changed under the real signature': ([header, payload, signature]) => [header!, b64u({ ...claimsOf(payload!), sub: 'alice' }), signature!],
      'a signature that is not even base64url': ([header, payload]) => [header!, payload!, '!!not-base64!!'],
      'an RS256 header': ([, payload]) => [b64u({ alg: 'RS256', typ: 'JWT' }), payload!, Buffer.alloc(256, 1).toString('base64url')],
    };
    const verificationFailed = async (call: Promise<unknown>, what: string) => {
      const { error, detail } = await failure(call);
      assert.equal(Code[error.code], Code[Code.Unavailable], `${what}: ${error.rawMessage}`);
      assert.equal(IdpErrorKind[detail.kind], 'PROVIDER_ERROR', what);
      assert.match(error.rawMessage, /failed verification/, what);
      assert.equal(detail.retryable, false, what);
    };
    const { jwks_uri: jwksUri } = (await (await fetch(`${proxy.url}/.well-known/openid-configuration`)).json()) as { jwks_uri: string };
    const jwksFetches = () => proxy.requests.filter((r) => r.path === new URL(jwksUri).pathname).length;
    const jwksBefore = jwksFetches();
    /** The refresh tokens in the answers the forgeries were put into. */
    const answered: string[] = [];
    const forgeAndKeep = (forge: (parts: string[]) => string[]) => (text: string) => {
      const body = JSON.parse(text) as { refresh_token?: string };
      if (body.refresh_token) answered.push(body.refresh_token);
      return forgeIdToken(forge)(text);
    };
    try {
      for (const [what, forge] of Object.entries(forgeries)) {
        proxy.setFault({ kind: 'rewrite', body: forgeAndKeep(forge) }, { pathPrefix: '/token', times: 1 });
        await verificationFailed(login(client, 'bob'), what);
      }
      assert.equal(answered.length, Object.keys(forgeries).length);
      for (const token of answered) assert.equal((await introspect(token)).active, false, 'the tokens of a failed login are revoked at the IdP');
      const done = await login(client, 'bob');
      assert.equal(done.identity?.subject, 'bob', 'the genuine answer still passes');
      proxy.setFault({ kind: 'rewrite', body: forgeIdToken(forgeries['a junk signature']!) }, { pathPrefix: '/token', times: 1 });
      // The IdP rotated the refresh token before the check failed: the new one must not be lost.
      const refreshed = remember(await client.refreshToken({ provider: IDP, refreshToken: done.tokenSet!.refreshToken }));
      assert.equal(refreshed.refreshTokenRotated, true);
      assert.equal(refreshed.tokenSet?.idToken, '', 'the ID token that failed is dropped');
      assert.ok(refreshed.tokenSet?.accessToken);
      const again = remember(await client.refreshToken({ provider: IDP, refreshToken: refreshed.tokenSet!.refreshToken }));
      assert.ok(again.tokenSet?.idToken, 'the rotated refresh token works');
    } finally {
      proxy.setFault({ kind: 'none' });
    }
    assert.equal(jwksFetches() - jwksBefore, 1, 'the JWKS is fetched once and cached');
  });

  test('out-of-range lifetimes from the IdP are dropped, and the rotated refresh token still arrives', async () => {
    const client = await gateway({ TESSERA__IDPS__DEV_IDP__RETRIES: '0' });
    const done = await login(client, 'alice', ['wlcg.groups:/dirac/user']);
    const odd = (text: string) => JSON.stringify({ ...(JSON.parse(text) as object), expires_in: 1e300, refresh_expires_in: -1 });
    proxy.setFault({ kind: 'rewrite', body: odd }, { pathPrefix: '/token', times: 1 });
    let refreshed;
    try {
      refreshed = remember(await client.refreshToken({ provider: IDP, refreshToken: done.tokenSet!.refreshToken }));
    } finally {
      proxy.setFault({ kind: 'none' });
    }
    assert.equal(refreshed.refreshTokenRotated, true);
    assert.equal(refreshed.tokenSet?.expiresAt, undefined, 'expires_in 1e300 is unknown, not a date');
    assert.equal(refreshed.tokenSet?.refreshExpiresAt, undefined);
    const again = remember(await client.refreshToken({ provider: IDP, refreshToken: refreshed.tokenSet!.refreshToken }));
    assert.ok(again.tokenSet?.expiresAt, 'the rotated refresh token works');
  });

  test('a huge auth_time from userinfo is dropped, and the login still completes', async () => {
    const client = await gateway({ TESSERA__IDPS__DEV_IDP__RETRIES: '0' });
    const discovery = (await (await fetch(`${proxy.url}/.well-known/openid-configuration`)).json()) as { userinfo_endpoint: string };
    const odd = (text: string) => JSON.stringify({ ...(JSON.parse(text) as object), auth_time: 1e300 });
    // Without group scopes the ID token carries no groups, so the gateway asks userinfo.
    proxy.setFault({ kind: 'rewrite', body: odd }, { pathPrefix: new URL(discovery.userinfo_endpoint).pathname, times: 1 });
    let done;
    try {
      done = await login(client, 'bob');
    } finally {
      proxy.setFault({ kind: 'none' });
    }
    assert.equal(done.identity?.subject, 'bob');
    assert.ok(done.tokenSet?.refreshToken);
    assert.ok(proxy.requests.some((r) => r.path === new URL(discovery.userinfo_endpoint).pathname), 'userinfo was asked');
    assert.equal(done.identity.authTime, undefined);
  });
});
