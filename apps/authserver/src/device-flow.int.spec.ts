// The device authorization grant (RFC 8628) end to end: openid-client as the device, the
// verification pages and dev-idp's login driven by a form browser, the real idp-gateway and
// tokenmanager behind them.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import * as oidc from 'openid-client';
import { Browser, findForm } from '@tessera/testing';
import { startAuthStack, type AuthStack } from './testing/auth-stack.js';
import { approveDevice } from './testing/logins.js';

let stack: AuthStack;
let cli: oidc.Configuration;

before(async () => {
  stack = await startAuthStack({ TESSERA__APPS__AUTHSERVER__DEVICEFLOW__INTERVAL: '1s' });
  cli = await stack.client('tessera-cli');
});
after(() => stack?.close());

const form = (path: string, body: Record<string, string>) =>
  fetch(`${stack.issuer}${path}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(body) });
const poll = async (deviceCode: string) => {
  const res = await form('/token', { grant_type: 'urn:ietf:params:oauth:grant-type:device_code', device_code: deviceCode, client_id: 'tessera-cli' });
  return { status: res.status, body: (await res.json()) as Record<string, string> };
};

describe('device authorization', () => {
  test('discovery lists exactly what is supported', async () => {
    const meta = cli.serverMetadata();
    assert.equal(meta.issuer, stack.issuer);
    assert.equal(meta.device_authorization_endpoint, `${stack.issuer}/device_authorization`);
    assert.deepEqual(meta.code_challenge_methods_supported, ['S256']);
    assert.ok(meta.grant_types_supported?.includes('urn:ietf:params:oauth:grant-type:device_code'));
    assert.equal(meta.authorization_response_iss_parameter_supported, true);
  });

  test('a user approves in the browser, logs in at dev-idp, and the polling client receives tokens', async () => {
    const started = await oidc.initiateDeviceAuthorization(cli, { scope: 'g:dirac_user offline_access' });
    assert.match(started.user_code, /^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$/);
    assert.equal(started.expires_in, 1800);
    assert.equal(started.interval, 1);
    assert.equal(started.verification_uri, `${stack.issuer}/device`);
    const polling = oidc.pollDeviceAuthorizationGrant(cli, started);
    const done = await approveDevice(started.verification_uri_complete!, 'bob');
    assert.equal(done.status, 200, done.html);
    assert.match(done.html, /Tessera CLI/);
    const tokens = await polling;
    assert.equal(tokens.token_type, 'bearer');
    assert.match(tokens.refresh_token ?? '', /^tsr_/);
    assert.equal(tokens.scope, 'offline_access g:dirac_user');
    const claims = JSON.parse(Buffer.from(tokens.access_token.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
    assert.equal(claims['sub'], 'bob');
    assert.equal(claims['group'], 'dirac_user');
    assert.equal(claims['vo'], 'dirac');
    assert.equal(claims['client_id'], 'tessera-cli');
    assert.equal(claims['idp'], 'dev-idp');
    const header = JSON.parse(Buffer.from(tokens.access_token.split('.')[0]!, 'base64url').toString()) as Record<string, unknown>;
    assert.equal(header['typ'], 'at+jwt');
    // The device code is single use (DiracX: device code reused → error).
    const again = await poll(started.device_code);
    assert.equal(again.body['error'], 'invalid_grant');
  });

  test('before approval the poll is authorization_pending, too fast is slow_down with +5 s from then on', async () => {
    const started = await oidc.initiateDeviceAuthorization(cli, { scope: 'g:dirac_user' });
    assert.equal((await poll(started.device_code)).body['error'], 'authorization_pending');
    const fast = await poll(started.device_code);
    assert.equal(fast.status, 400);
    assert.equal(fast.body['error'], 'slow_down');
    await sleep(1100);
    // The interval is now 6 s: a poll a second later is still too fast.
    assert.equal((await poll(started.device_code)).body['error'], 'slow_down');
  });

  test('a denied request gives access_denied; an unknown device code invalid_grant', async () => {
    const started = await oidc.initiateDeviceAuthorization(cli, { scope: 'g:dirac_user' });
    const page = await approveDevice(started.verification_uri_complete!, 'bob', { decision: 'deny' });
    assert.match(page.html, /denied/i);
    assert.equal((await poll(started.device_code)).body['error'], 'access_denied');
    assert.equal((await poll('tsd_not-a-code')).body['error'], 'invalid_grant');
  });

  test('a user not in the group asked for is refused, and the device is told access_denied', async () => {
    const started = await oidc.initiateDeviceAuthorization(cli, { scope: 'g:dirac_admin' });
    const page = await approveDevice(started.verification_uri_complete!, 'bob');
    assert.equal(page.status, 403);
    assert.match(page.html, /not a member of the group dirac_admin/);
    const refused = await poll(started.device_code);
    assert.equal(refused.body['error'], 'access_denied');
    assert.match(refused.body['error_description'] ?? '', /not a member of the group dirac_admin/, 'the device can tell its user why');
  });

  test('an account unknown to the registry sees a clear page and administrators find the event', async () => {
    const started = await oidc.initiateDeviceAuthorization(cli, { scope: 'g:dirac_user' });
    const page = await approveDevice(started.verification_uri_complete!, 'mallory');
    assert.equal(page.status, 403);
    const reference = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/.exec(page.html)?.[0];
    assert.ok(reference, page.html);
    const event = stack.logs().find((l) => l['event'] === 'login.unregistered');
    assert.equal(event?.['reference'], reference);
    assert.equal(event?.['subject'], 'mallory');
    assert.equal((await poll(started.device_code)).body['error'], 'access_denied');
  });

  test('a user in several groups picks one', async () => {
    const started = await oidc.initiateDeviceAuthorization(cli, {});
    const polling = oidc.pollDeviceAuthorizationGrant(cli, started);
    await approveDevice(started.verification_uri_complete!, 'alice', { group: 'dirac_admin' });
    const tokens = await polling;
    assert.equal(tokens.scope, 'g:dirac_admin');
  });

  test('wrong user codes are refused, then rate-limited per source', async () => {
    const browser = new Browser();
    const page = await browser.page(`${stack.issuer}/device`);
    const entry = findForm(page);
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) statuses.push((await browser.page(entry.action, { ...entry.fields, user_code: 'BCDF-GHJK' })).status);
    assert.deepEqual(statuses, [...Array(10).fill(400), 429]);
    const malformed = await browser.page(entry.action, { ...entry.fields, csrf: 'forged', user_code: 'BCDF-GHJK' });
    assert.equal(malformed.status, 400);
    assert.match(malformed.html, /expired/);
  });

  test('scope errors are invalid_scope naming the value; proxy is refused with a reason', async () => {
    for (const [scope, words] of [['proxy', /X\.509 proxies/], ['g:nope', /g:nope/], ['lifetime:999999999', /lifetime:999999999/]] as const) {
      const res = await form('/device_authorization', { client_id: 'tessera-cli', scope });
      const body = (await res.json()) as Record<string, string>;
      assert.equal(body['error'], 'invalid_scope');
      assert.match(body['error_description'] ?? '', words);
    }
    const unauthorized = await form('/device_authorization', { client_id: 'tessera-web', client_secret: 'dev-web-secret' });
    assert.equal(((await unauthorized.json()) as Record<string, string>)['error'], 'unauthorized_client');
  });
});
