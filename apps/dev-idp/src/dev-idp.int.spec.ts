import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { decodeProtectedHeader } from 'jose';
import * as oidc from 'openid-client';
import type { DevIdp } from './dev-idp-options.js';
import { buildDevIdp } from './factory.js';
import { devFixtures, TEST_PUBLIC_REDIRECT_URI } from './fixtures.js';
import { Browser, findForm, freePort, type Page } from '@tessera/testing';

const GATEWAY_REDIRECT_URI = 'http://127.0.0.1:8080/auth/callback';
const GATEWAY = { id: 'tessera-idp-gateway', secret: 'dev-idp-gateway-secret' };

let idp: DevIdp;
let gateway: oidc.Configuration;
let publicClient: oidc.Configuration;

async function discover(clientId: string, secret?: string): Promise<oidc.Configuration> {
  // openid-client v6 refuses http:// issuers unless told otherwise; the dev-idp is loopback HTTP.
  return oidc.discovery(new URL(idp.issuer), clientId, secret, undefined, { execute: [oidc.allowInsecureRequests] });
}

/** Starts an authorization code + PKCE request and returns what the callback needs. */
async function authorizationRequest(config: oidc.Configuration, scope: string, redirectUri = GATEWAY_REDIRECT_URI) {
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri,
    scope,
    state,
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
  });
  return { url, verifier, state, redirectUri };
}

async function submitLogin(browser: Browser, loginPage: Page, login: string, password: string, stopAt?: string): Promise<Page | URL> {
  const form = findForm(loginPage);
  assert.ok('login' in form.fields && 'password' in form.fields, 'login form has inputs named login and password');
  return browser.go(form.action, { form: { login, password }, ...(stopAt === undefined ? {} : { stopAt }) });
}

/** Signs in through the login form and returns the callback URL carrying the code. */
async function signIn(config: oidc.Configuration, scope: string, login: string, password = login) {
  const request = await authorizationRequest(config, scope);
  const browser = new Browser();
  const loginPage = await browser.page(request.url);
  const callback = await submitLogin(browser, loginPage, login, password, request.redirectUri);
  assert.ok(callback instanceof URL, 'signing in redirects to the redirect URI');
  const tokens = await oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: request.verifier, expectedState: request.state });
  return tokens;
}

async function assertInvalidGrant(promise: Promise<unknown>): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof oidc.ResponseBodyError, `expected an OAuth error response, got ${String(error)}`);
    assert.equal(error.error, 'invalid_grant');
    return true;
  });
}

describe('dev-idp', () => {
  before(async () => {
    const port = await freePort();
    idp = await buildDevIdp(devFixtures(`http://127.0.0.1:${port}`, [GATEWAY_REDIRECT_URI]));
    await idp.listen(port);
    gateway = await discover(GATEWAY.id, GATEWAY.secret);
    publicClient = await discover('tessera-test-public');
  });
  after(() => idp.close());

  it('issues tokens with a refresh token for authorization code + PKCE', async () => {
    const tokens = await signIn(gateway, 'openid profile email offline_access wlcg.groups', 'alice');
    assert.ok(tokens.access_token);
    assert.ok(tokens.refresh_token, 'clients with the refresh_token grant always get one');
    assert.equal(decodeProtectedHeader(tokens.id_token ?? '').alg, 'ES256');
    const claims = tokens.claims();
    assert.equal(claims?.sub, 'alice');
    assert.deepEqual(claims?.['wlcg.groups'], ['/dirac/user', '/dirac/admin']);
    assert.equal(claims?.preferred_username, 'alice');
    assert.equal(claims?.email, 'alice@example.org');
    const userinfo = await oidc.fetchUserInfo(gateway, tokens.access_token, claims?.sub ?? '');
    assert.deepEqual(userinfo['wlcg.groups'], ['/dirac/user', '/dirac/admin']);
  });

  it('refuses a wrong password and shows the form again', async () => {
    const request = await authorizationRequest(gateway, 'openid wlcg.groups');
    const browser = new Browser();
    const loginPage = await browser.page(request.url);
    const refused = await submitLogin(browser, loginPage, 'alice', 'not-alice', request.redirectUri);
    assert.ok(!(refused instanceof URL), 'no redirect, so no code');
    assert.match(refused.html, /Wrong login or password/);
    // The same interaction still accepts the right password afterwards.
    const callback = await submitLogin(browser, refused, 'alice', 'alice', request.redirectUri);
    assert.ok(callback instanceof URL && callback.searchParams.has('code'));
  });

  it('rotates refresh tokens and refuses a used one', async () => {
    const first = await signIn(gateway, 'openid wlcg.groups', 'bob');
    assert.ok(first.refresh_token);
    const second = await oidc.refreshTokenGrant(gateway, first.refresh_token);
    assert.ok(second.refresh_token);
    assert.notEqual(second.refresh_token, first.refresh_token);
    assert.deepEqual(second.claims()?.['wlcg.groups'], ['/dirac/user']);
    await assertInvalidGrant(oidc.refreshTokenGrant(gateway, first.refresh_token));
  });

  it("keeps every grant however many refresh tokens were rotated (no bound on the store)", async () => {
    const kept = await signIn(gateway, 'openid', 'alice');
    let chain = (await signIn(gateway, 'openid', 'bob')).refresh_token!;
    for (let i = 0; i < 1100; i++) chain = (await oidc.refreshTokenGrant(gateway, chain)).refresh_token!;
    assert.ok((await oidc.refreshTokenGrant(gateway, kept.refresh_token!)).access_token, "alice's grant survived bob's 1100 rotations");
  });

  it('narrows wlcg.groups to the parameterised group scopes asked for', async () => {
    const tokens = await signIn(gateway, 'openid wlcg.groups:/dirac/user', 'alice');
    assert.deepEqual(tokens.claims()?.['wlcg.groups'], ['/dirac/user']);
    assert.deepEqual((await oidc.fetchUserInfo(gateway, tokens.access_token, 'alice'))['wlcg.groups'], ['/dirac/user']);
    assert.deepEqual((await oidc.tokenIntrospection(gateway, tokens.access_token))['wlcg.groups'], ['/dirac/user']);
    const foreign = await signIn(gateway, 'openid wlcg.groups:/other/user', 'alice');
    assert.deepEqual(foreign.claims()?.['wlcg.groups'], [], 'a group the account lacks is not released');
  });

  it('releases Check-In style entitlements with the eduperson_entitlement scope', async () => {
    const tokens = await signIn(gateway, 'openid eduperson_entitlement', 'bob');
    assert.deepEqual(tokens.claims()?.eduperson_entitlement, ['urn:mace:egi.eu:group:dirac:role=member#aai.egi.eu']);
  });

  it('completes the device flow through the user code page and the login form', async () => {
    const device = await oidc.initiateDeviceAuthorization(publicClient, { scope: 'openid offline_access wlcg.groups' });
    const browser = new Browser();
    const codePage = await browser.page(device.verification_uri);
    const codeForm = findForm(codePage, 'op.deviceInputForm');
    const confirmPage = await browser.page(codeForm.action, { ...codeForm.fields, user_code: device.user_code });
    const confirmForm = findForm(confirmPage, 'op.deviceConfirmForm');
    const loginPage = await browser.page(confirmForm.action, confirmForm.fields);
    const done = await submitLogin(browser, loginPage, 'bob', 'bob');
    assert.ok(!(done instanceof URL));
    assert.match(done.html, /Device signed in/);
    // oidc-provider sends no interval, so openid-client would wait its default 5 s before polling.
    const tokens = await oidc.pollDeviceAuthorizationGrant(publicClient, { ...device, interval: 0.1 });
    assert.ok(tokens.access_token);
    assert.ok(tokens.refresh_token);
    assert.deepEqual(tokens.claims()?.['wlcg.groups'], ['/dirac/user']);
  });

  it('issues client credentials tokens and introspects and revokes access tokens', async () => {
    const service = await oidc.clientCredentialsGrant(gateway);
    assert.ok(service.access_token);
    assert.equal((await oidc.tokenIntrospection(gateway, service.access_token)).active, true);

    const { access_token: accessToken } = await signIn(gateway, 'openid wlcg.groups', 'alice');
    const before = await oidc.tokenIntrospection(gateway, accessToken);
    assert.equal(before.active, true);
    assert.equal(before.sub, 'alice');
    await oidc.tokenRevocation(gateway, accessToken);
    assert.equal((await oidc.tokenIntrospection(gateway, accessToken)).active, false);
  });

  it('uses the test public client with its own redirect URI', async () => {
    const tokens = await (async () => {
      const request = await authorizationRequest(publicClient, 'openid', TEST_PUBLIC_REDIRECT_URI);
      const browser = new Browser();
      const callback = await submitLogin(browser, await browser.page(request.url), 'mallory', 'mallory', request.redirectUri);
      assert.ok(callback instanceof URL);
      return oidc.authorizationCodeGrant(publicClient, callback, { pkceCodeVerifier: request.verifier, expectedState: request.state });
    })();
    assert.equal(tokens.claims()?.sub, 'mallory');
  });
});
