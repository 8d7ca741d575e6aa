// The logins in real Chromium, through the real pages: the device flow (RFC 8628) of tessera-cli
// and the authorization-code flow with PKCE (RFC 6749 §4.1, RFC 7636, RFC 9207) of tessera-web,
// with dev-idp's login form, the idp-gateway and tokenmanager behind them. Every page of Tessera
// the browser passes through must carry the pages' headers and log no error or CSP violation.
// TESSERA_SCREENSHOTS=1 photographs the real pages to docs/screenshots/flow-<name>.png (a phone).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createClient, type Interceptor } from '@connectrpc/connect';
import { createConnectTransport } from '@connectrpc/connect-node';
import * as oidc from 'openid-client';
import type { Browser } from 'playwright-core';
import { AuthService } from '@tessera/contracts';
import { launchChromium } from '@tessera/testing';
import { startAuthStack, WEB_SECRET, type AuthStack } from './testing/auth-stack.js';
import { expectPage, jwtPayload, logInAtDevIdp, openTab, postForm, screenshot, startCallbackServer, type CallbackServer, type WatchedTab } from './testing/chromium-logins.js';

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/;

let stack: AuthStack;
let browser: Browser;
let callback: CallbackServer;
let cli: oidc.Configuration;
let web: oidc.Configuration;

before(async () => {
  callback = await startCallbackServer();
  [stack, browser] = await Promise.all([
    startAuthStack({ TESSERA__APPS__AUTHSERVER__DEVICEFLOW__INTERVAL: '1s', 'TESSERA__OAUTHCLIENTS__TESSERA-WEB__REDIRECTURIS': JSON.stringify([callback.url]) }),
    launchChromium(),
  ]);
  [cli, web] = await Promise.all([stack.client('tessera-cli'), stack.client('tessera-web')]);
});
after(async () => {
  await browser?.close();
  await stack?.close();
  await callback?.close();
});

describe('logins in Chromium', () => {
  test('device flow: bob types the code, approves, logs in at dev-idp; the CLI gets tokens and tokenmanager holds his IdP token', async () => {
    const askedAt = new Date();
    const started = await oidc.initiateDeviceAuthorization(cli, { scope: 'g:dirac_user offline_access' });
    const polling = oidc.pollDeviceAuthorizationGrant(cli, started);
    polling.catch(() => undefined); // awaited below; this only keeps an early failure from being unhandled
    const tab = await openTab(browser, stack.issuer);
    const { page } = tab;

    await page.goto(started.verification_uri);
    await expectPage(page, stack.issuer, 'Connect a device');
    await screenshot(page, 'verification');
    await page.getByLabel('Code', { exact: true }).pressSequentially(started.user_code.replace('-', '').toLowerCase());
    await page.getByRole('button', { name: 'Continue' }).click();

    await expectPage(page, stack.issuer, 'Allow Tessera CLI to act for you?');
    await screenshot(page, 'confirmation');
    assert.match(await detail(tab, 'Application'), /^Tessera CLI \(tessera-cli\)$/);
    assert.equal(await detail(tab, 'IP address'), '127.0.0.1');
    const requested = page.locator('dt:text-is("Requested") + dd time');
    const at = new Date((await requested.getAttribute('datetime')) ?? '');
    assert.ok(at.getTime() >= askedAt.getTime() - 1000 && at.getTime() <= Date.now(), `requested at ${at.toISOString()}`);
    assert.equal(await requested.innerText(), `${at.toISOString().slice(0, 19).replace('T', ' ')} UTC`);
    assert.match(await page.locator('main').innerText(), new RegExp(started.user_code));
    await page.getByRole('button', { name: 'Allow' }).click();

    await logInAtDevIdp(page, stack.idp.url, 'bob');
    await expectPage(page, stack.issuer, 'Your device is connected');
    await screenshot(page, 'success');
    assert.match(await page.locator('main').innerText(), /Tessera CLI is now signed in as you/);
    await tab.assertCleanAndClose();

    const tokens = await polling;
    const claims = jwtPayload(tokens.access_token);
    assert.equal(claims['sub'], 'bob');
    assert.equal(claims['group'], 'dirac_user');
    assert.match(tokens.refresh_token ?? '', /^tsr_/);

    // The login handed bob's dev-idp tokens to tokenmanager (UpdateToken); he can see them.
    const bearer: Interceptor = (next) => (req) => (req.header.set('authorization', `Bearer ${tokens.access_token}`), next(req));
    const rpc = createClient(AuthService, createConnectTransport({ baseUrl: stack.issuer, httpVersion: '1.1', interceptors: [bearer] }));
    const info = await rpc.getMyTokensInfo({});
    assert.equal(info.tokens.length, 1, JSON.stringify(info.tokens, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v)));
    assert.equal(info.tokens[0]?.provider, 'dev-idp');
    assert.equal(info.tokens[0]?.subject, 'bob');
  });

  test('device flow: alice, in two groups, asks for none and picks dirac_admin in the group chooser', async () => {
    const started = await oidc.initiateDeviceAuthorization(cli, { scope: 'offline_access' });
    const polling = oidc.pollDeviceAuthorizationGrant(cli, started);
    polling.catch(() => undefined);
    const tab = await openTab(browser, stack.issuer);
    const { page } = tab;
    await approveInBrowser(tab, started.verification_uri, started.user_code);
    await logInAtDevIdp(page, stack.idp.url, 'alice');

    await expectPage(page, stack.issuer, 'Choose a group');
    await screenshot(page, 'group-chooser');
    const choices = await page.locator('button.choice').evaluateAll((bs: { value: string }[]) => bs.map((b) => b.value));
    assert.deepEqual(choices.sort(), ['dirac_admin', 'dirac_user']);
    await page.getByRole('button', { name: /^dirac_admin\b/ }).click();
    await expectPage(page, stack.issuer, 'Your device is connected');
    await tab.assertCleanAndClose();

    const tokens = await polling;
    assert.equal(jwtPayload(tokens.access_token)['group'], 'dirac_admin');
    assert.equal(tokens.scope, 'offline_access g:dirac_admin');
    assert.ok(tokens.refresh_token);
  });

  test('authorization code with PKCE: tessera-web gets code, state and iss, then tokens; a replayed code revokes them', async () => {
    const pkceCodeVerifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const tab = await openTab(browser, stack.issuer);
    const { page } = tab;
    await page.goto(await authorizationUrl(pkceCodeVerifier, state, 'openid g:dirac_user'));
    await logInAtDevIdp(page, stack.idp.url, 'bob');
    const received = await callback.next();
    await page.waitForURL((u) => u.href === received.href);
    await tab.assertCleanAndClose();

    assert.match(received.searchParams.get('code') ?? '', /^tsc_/);
    assert.equal(received.searchParams.get('state'), state);
    assert.equal(received.searchParams.get('iss'), stack.issuer);
    const tokens = await oidc.authorizationCodeGrant(web, received, { pkceCodeVerifier, expectedState: state });
    assert.equal(jwtPayload(tokens.access_token)['sub'], 'bob');
    assert.equal(jwtPayload(tokens.access_token)['group'], 'dirac_user');
    assert.ok(tokens.refresh_token);
    assert.ok(tokens.id_token);
    assert.equal(tokens.claims()?.sub, 'bob'); // validated by openid-client (iss, aud, exp, signature)

    // RFC 6749 §4.1.2: a code used twice is refused, and what it produced is revoked.
    const replay = await postForm(
      `${stack.issuer}/token`,
      { grant_type: 'authorization_code', code: received.searchParams.get('code')!, redirect_uri: callback.url, code_verifier: pkceCodeVerifier },
      { id: 'tessera-web', secret: WEB_SECRET },
    );
    assert.equal(replay.status, 400);
    assert.equal(replay.body['error'], 'invalid_grant');
    const refreshed = await postForm(`${stack.issuer}/token`, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token! }, { id: 'tessera-web', secret: WEB_SECRET });
    assert.equal(refreshed.body['error'], 'invalid_grant', JSON.stringify(refreshed.body));
    const introspected = await oidc.tokenIntrospection(web, tokens.access_token);
    assert.equal(introspected.active, false, 'the access token of a replayed code is no longer active');
  });

  test('authorization code, control: a code used once gives a refresh token that works (and rotates)', async () => {
    const pkceCodeVerifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const tab = await openTab(browser, stack.issuer);
    await tab.page.goto(await authorizationUrl(pkceCodeVerifier, state, 'openid g:dirac_user'));
    await logInAtDevIdp(tab.page, stack.idp.url, 'bob');
    const received = await callback.next();
    await tab.assertCleanAndClose();
    const tokens = await oidc.authorizationCodeGrant(web, received, { pkceCodeVerifier, expectedState: state });
    const refreshed = await oidc.refreshTokenGrant(web, tokens.refresh_token!);
    assert.equal(jwtPayload(refreshed.access_token)['sub'], 'bob');
    assert.notEqual(refreshed.refresh_token, tokens.refresh_token);
  });

  // The chooser's form ends, through a 303, at the client: the pages' form-action must allow it.
  test('authorization code: alice, in two groups, picks one and the browser is sent on to the client', async () => {
    const pkceCodeVerifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const tab = await openTab(browser, stack.issuer);
    const { page } = tab;
    await page.goto(await authorizationUrl(pkceCodeVerifier, state, 'openid'));
    await logInAtDevIdp(page, stack.idp.url, 'alice');
    await expectPage(page, stack.issuer, 'Choose a group');
    await page.getByRole('button', { name: /^dirac_admin\b/ }).click();
    const received = await callback.next(5_000).catch((error: Error) => assert.fail(`${error.message}; the tab is at ${page.url()}; problems: ${tab.problems.join(' | ')}`));
    await tab.assertCleanAndClose();
    const tokens = await oidc.authorizationCodeGrant(web, received, { pkceCodeVerifier, expectedState: state });
    assert.equal(jwtPayload(tokens.access_token)['group'], 'dirac_admin');
  });

  test('mallory, unknown to the registry, sees the unregistered page with a reference administrators find in the log', async () => {
    const started = await oidc.initiateDeviceAuthorization(cli, { scope: 'g:dirac_user' });
    const tab = await openTab(browser, stack.issuer);
    const { page } = tab;
    await approveInBrowser(tab, started.verification_uri, started.user_code);
    await logInAtDevIdp(page, stack.idp.url, 'mallory');

    await expectPage(page, stack.issuer, 'This account is not registered');
    await screenshot(page, 'unregistered');
    assert.equal(await detail(tab, 'Account'), 'mallory');
    const reference = await detail(tab, 'Reference');
    assert.match(reference, new RegExp(`^${UUID.source}$`));
    assert.equal(tab.documents.at(-1)?.status, 403);
    await tab.assertCleanAndClose();

    const event = stack.logs().find((l) => l['event'] === 'login.unregistered' && l['reference'] === reference);
    assert.ok(event, `no login.unregistered event with reference ${reference}`);
    assert.equal(event['subject'], 'mallory');
    assert.equal(event['provider'], 'dev-idp');
    const poll = await postForm(`${stack.issuer}/token`, { grant_type: 'urn:ietf:params:oauth:grant-type:device_code', device_code: started.device_code, client_id: 'tessera-cli' });
    assert.equal(poll.body['error'], 'access_denied');
  });
});

/** From verification_uri: types the code as a user might (lower case, no dash), and allows. */
async function approveInBrowser(tab: WatchedTab, verificationUri: string, userCode: string): Promise<void> {
  await tab.page.goto(verificationUri);
  await tab.page.getByLabel('Code', { exact: true }).pressSequentially(userCode.replace('-', '').toLowerCase());
  await tab.page.getByRole('button', { name: 'Continue' }).click();
  await expectPage(tab.page, stack.issuer, /^Allow .* to act for you\?$/);
  await tab.page.getByRole('button', { name: 'Allow' }).click();
}

/** The text of the `<dd>` after the `<dt>` named `term`. */
const detail = (tab: WatchedTab, term: string) => tab.page.locator(`dt:text-is("${term}") + dd`).innerText();

async function authorizationUrl(pkceCodeVerifier: string, state: string, scope: string): Promise<string> {
  const code_challenge = await oidc.calculatePKCECodeChallenge(pkceCodeVerifier);
  return oidc.buildAuthorizationUrl(web, { redirect_uri: callback.url, scope, code_challenge, code_challenge_method: 'S256', state }).href;
}
