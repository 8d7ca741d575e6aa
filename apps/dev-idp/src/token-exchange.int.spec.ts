import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import * as oidc from 'openid-client';
import type { DevIdp, DevIdpOptions } from './dev-idp-options.js';
import { buildDevIdp } from './factory.js';
import { devFixtures, TEST_PUBLIC_REDIRECT_URI } from './fixtures.js';
import { ACCESS_TOKEN_TYPE, TOKEN_EXCHANGE_GRANT } from './grants/token-exchange.js';
import { Browser, findForm, freePort } from '@tessera/testing';

const GATEWAY_REDIRECT_URI = 'http://127.0.0.1:8080/auth/callback';
const GATEWAY = { id: 'tessera-idp-gateway', secret: 'dev-idp-gateway-secret' };
// A public client that lists the grant, so the handler's own refusal is what is tested.
const PUBLIC_EXCHANGER = { clientId: 'public-exchanger', redirectUris: [], grantTypes: [TOKEN_EXCHANGE_GRANT] };

async function startIdp(ttl?: DevIdpOptions['ttl']): Promise<DevIdp> {
  const port = await freePort();
  const fixtures = devFixtures(`http://127.0.0.1:${port}`, [GATEWAY_REDIRECT_URI]);
  const idp = await buildDevIdp({ ...fixtures, clients: [...fixtures.clients, PUBLIC_EXCHANGER], ...(ttl === undefined ? {} : { ttl }) });
  await idp.listen(port);
  return idp;
}

async function discover(idp: DevIdp, clientId: string, secret?: string): Promise<oidc.Configuration> {
  return oidc.discovery(new URL(idp.issuer), clientId, secret, undefined, { execute: [oidc.allowInsecureRequests] });
}

/** Authorization code + PKCE through the login form, as alice; see dev-idp.int.spec.ts. */
async function signIn(config: oidc.Configuration, scope: string, redirectUri = GATEWAY_REDIRECT_URI) {
  const verifier = oidc.randomPKCECodeVerifier();
  const url = oidc.buildAuthorizationUrl(config, { redirect_uri: redirectUri, scope, code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' });
  const browser = new Browser();
  const form = findForm(await browser.page(url));
  const callback = await browser.go(form.action, { form: { login: 'alice', password: 'alice' }, stopAt: redirectUri });
  assert.ok(callback instanceof URL);
  return oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier });
}

function exchange(config: oidc.Configuration, subjectToken: string, extra: Record<string, string> = {}) {
  return oidc.genericGrantRequest(config, TOKEN_EXCHANGE_GRANT, { subject_token: subjectToken, subject_token_type: ACCESS_TOKEN_TYPE, ...extra });
}

async function assertOAuthError(promise: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof oidc.ResponseBodyError, `expected an OAuth error response, got ${String(error)}`);
    assert.equal(error.error, code);
    return true;
  });
}

describe('dev-idp token exchange (RFC 8693)', () => {
  let idp: DevIdp;
  let gateway: oidc.Configuration;
  let subject: string;
  before(async () => {
    idp = await startIdp();
    gateway = await discover(idp, GATEWAY.id, GATEWAY.secret);
    subject = (await signIn(gateway, 'openid profile wlcg.groups:/dirac/user wlcg.groups:/dirac/admin')).access_token;
  });
  after(() => idp.close());

  it('advertises the grant in discovery', () => {
    assert.ok(gateway.serverMetadata().grant_types_supported?.includes(TOKEN_EXCHANGE_GRANT));
  });

  it('narrows the scope for the same account and records the audience', async () => {
    const narrowed = await exchange(gateway, subject, { scope: 'openid wlcg.groups:/dirac/user', audience: 'https://storage.example.org' });
    assert.equal(narrowed.issued_token_type, ACCESS_TOKEN_TYPE);
    assert.equal(narrowed.token_type, 'bearer');
    assert.equal(narrowed.scope, 'openid wlcg.groups:/dirac/user');
    assert.equal(narrowed.expires_in, 3600);
    assert.notEqual(narrowed.access_token, subject);
    const introspected = await oidc.tokenIntrospection(gateway, narrowed.access_token);
    assert.equal(introspected.active, true);
    assert.equal(introspected.sub, 'alice');
    assert.equal(introspected.scope, 'openid wlcg.groups:/dirac/user');
    assert.equal(introspected.aud, 'https://storage.example.org');
    assert.deepEqual(introspected['wlcg.groups'], ['/dirac/user']);
    // oidc-provider keeps tokens meant for another audience away from userinfo.
    await assert.rejects(oidc.fetchUserInfo(gateway, narrowed.access_token, 'alice'), oidc.WWWAuthenticateChallengeError);
    const forUserinfo = await exchange(gateway, subject, { scope: 'openid wlcg.groups:/dirac/user' });
    assert.deepEqual((await oidc.fetchUserInfo(gateway, forUserinfo.access_token, 'alice'))['wlcg.groups'], ['/dirac/user']);
    // The subject token is untouched.
    assert.deepEqual((await oidc.tokenIntrospection(gateway, subject))['wlcg.groups'], ['/dirac/user', '/dirac/admin']);
  });

  it('keeps the subject scope when none is asked and records repeated audiences and resources', async () => {
    const same = await exchange(gateway, subject, { audience: 'fts', resource: 'https://se.example.org/' });
    assert.equal(same.scope, 'openid profile wlcg.groups:/dirac/user wlcg.groups:/dirac/admin');
    assert.deepEqual((await oidc.tokenIntrospection(gateway, same.access_token)).aud, ['fts', 'https://se.example.org/']);
  });

  it('exchanges a token another client obtained', async () => {
    const publicClient = await discover(idp, 'tessera-test-public');
    const theirs = await signIn(publicClient, 'openid wlcg.groups', TEST_PUBLIC_REDIRECT_URI);
    const ours = await exchange(gateway, theirs.access_token, { scope: 'openid' });
    const introspected = await oidc.tokenIntrospection(gateway, ours.access_token);
    assert.equal(introspected.active, true);
    assert.equal(introspected.sub, 'alice');
    assert.equal(introspected.client_id, GATEWAY.id);
  });

  it('refuses to widen the scope', async () => {
    await assertOAuthError(exchange(gateway, subject, { scope: 'openid email' }), 'invalid_scope');
  });

  it('refuses unknown, revoked and wrongly typed subject tokens', async () => {
    await assertOAuthError(exchange(gateway, 'not-a-token'), 'invalid_request');
    const service = await oidc.clientCredentialsGrant(gateway);
    await assertOAuthError(exchange(gateway, service.access_token), 'invalid_request');
    const revoked = (await signIn(gateway, 'openid')).access_token;
    await oidc.tokenRevocation(gateway, revoked);
    await assertOAuthError(exchange(gateway, revoked), 'invalid_request');
    await assertOAuthError(exchange(gateway, subject, { subject_token_type: 'urn:ietf:params:oauth:token-type:id_token' }), 'invalid_request');
    await assertOAuthError(exchange(gateway, subject, { requested_token_type: 'urn:ietf:params:oauth:token-type:refresh_token' }), 'invalid_request');
  });

  it('refuses public clients', async () => {
    // Without the grant in grant_types, oidc-provider answers invalid_request itself.
    await assertOAuthError(exchange(await discover(idp, 'tessera-test-public'), subject), 'invalid_request');
    await assertOAuthError(exchange(await discover(idp, PUBLIC_EXCHANGER.clientId), subject), 'unauthorized_client');
  });
});

describe('dev-idp token lifetimes', () => {
  const ttl = { accessToken: 2, idToken: 7, refreshToken: 11, deviceCode: 13 };
  let idp: DevIdp;
  before(async () => {
    idp = await startIdp(ttl);
  });
  after(() => idp.close());

  it('honours the configured lifetimes', async () => {
    const gateway = await discover(idp, GATEWAY.id, GATEWAY.secret);
    const tokens = await signIn(gateway, 'openid');
    assert.equal(tokens.expires_in, ttl.accessToken);
    const idToken = tokens.claims();
    assert.equal((idToken?.exp ?? 0) - (idToken?.iat ?? 0), ttl.idToken);
    const refresh = await oidc.tokenIntrospection(gateway, tokens.refresh_token ?? '');
    assert.equal((refresh.exp ?? 0) - (refresh.iat ?? 0), ttl.refreshToken);
    assert.equal((await oidc.clientCredentialsGrant(gateway)).expires_in, ttl.accessToken);
    assert.equal((await exchange(gateway, tokens.access_token)).expires_in, ttl.accessToken);
    const device = await oidc.initiateDeviceAuthorization(await discover(idp, 'tessera-test-public'), { scope: 'openid' });
    assert.equal(device.expires_in, ttl.deviceCode);

    // Whole seconds: after 2.1 s the token's exp (issue second + 2) has certainly passed.
    await sleep(ttl.accessToken * 1000 + 100);
    assert.equal((await oidc.tokenIntrospection(gateway, tokens.access_token)).active, false);
    await assertOAuthError(exchange(gateway, tokens.access_token), 'invalid_request');
  });
});
