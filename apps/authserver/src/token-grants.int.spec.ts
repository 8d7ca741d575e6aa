// The token endpoint's other grants, revocation, introspection and userinfo, with openid-client
// as the client wherever it has the call, against the whole stack. Users log in through the
// device flow (see device-flow.int.spec.ts) with a form browser.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from 'jose';
import * as oidc from 'openid-client';
import { startAuthStack, WEB_SECRET, type AuthStack } from './testing/auth-stack.js';
import { approveDevice } from './testing/logins.js';

let stack: AuthStack;
let cli: oidc.Configuration;
let web: oidc.Configuration;

before(async () => {
  stack = await startAuthStack({ TESSERA__APPS__AUTHSERVER__DEVICEFLOW__INTERVAL: '1s' });
  [cli, web] = await Promise.all([stack.client('tessera-cli'), stack.client('tessera-web')]);
});
after(() => stack?.close());

/** bob (or `user`) logs in through the device flow; the CLI's tokens. */
async function login(scope = 'g:dirac_user offline_access', user = 'bob') {
  const started = await oidc.initiateDeviceAuthorization(cli, { scope });
  const polling = oidc.pollDeviceAuthorizationGrant(cli, started);
  await approveDevice(started.verification_uri_complete!, user);
  return polling;
}

const basic = `Basic ${Buffer.from(`tessera-web:${WEB_SECRET}`).toString('base64')}`;
async function post(path: string, body: Record<string, string>, authorization?: string) {
  const res = await fetch(`${stack.issuer}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(authorization ? { authorization } : {}) },
    body: new URLSearchParams(body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: (text === '' ? {} : JSON.parse(text)) as Record<string, unknown> };
}
const refresh = (refreshToken: string) => post('/token', { grant_type: 'refresh_token', refresh_token: refreshToken, client_id: 'tessera-cli' });
const claimsOf = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;

describe('refresh_token', () => {
  test('rotates: the new token works, the old one kills the whole family (DiracX: refresh reuse)', async () => {
    const first = await login();
    const second = await oidc.refreshTokenGrant(cli, first.refresh_token!);
    assert.notEqual(second.refresh_token, first.refresh_token);
    assert.equal(claimsOf(second.access_token)['sid'], claimsOf(first.access_token)['sid'], 'same session');
    const third = await oidc.refreshTokenGrant(cli, second.refresh_token!);
    // An old token presented again after the grace (here: two generations back) ends the family…
    const reused = await refresh(first.refresh_token!);
    assert.equal(reused.body['error'], 'invalid_grant');
    assert.match(String(reused.body['error_description']), /already used/);
    // …so even the newest token is dead now.
    const afterReuse = await refresh(third.refresh_token!);
    assert.equal(afterReuse.body['error'], 'invalid_grant');
  });

  test('a lost response: the just-rotated token works once more within the grace; the lost successor is retired', async () => {
    const first = await login();
    const lost = await refresh(first.refresh_token!);
    assert.equal(lost.status, 200);
    const retried = await refresh(first.refresh_token!);
    assert.equal(retried.status, 200, JSON.stringify(retried.body));
    const next = await refresh(String(retried.body['refresh_token']));
    assert.equal(next.status, 200, 'the family lives on with the retried token');
    // The successor the client said it never saw turning up after all is a reuse: the family ends.
    assert.equal((await refresh(String(lost.body['refresh_token']))).body['error'], 'invalid_grant');
    assert.equal((await refresh(String(next.body['refresh_token']))).body['error'], 'invalid_grant');
  });

  test('a narrower scope may be asked for, a wider one is invalid_scope naming it, and neither costs the token', async () => {
    const tokens = await login('g:dirac_user offline_access');
    const wider = await post('/token', { grant_type: 'refresh_token', refresh_token: tokens.refresh_token!, client_id: 'tessera-cli', scope: 'g:dirac_user profile' });
    assert.equal(wider.body['error'], 'invalid_scope');
    assert.match(String(wider.body['error_description']), /profile/);
    const narrower = await post('/token', { grant_type: 'refresh_token', refresh_token: tokens.refresh_token!, client_id: 'tessera-cli', scope: 'g:dirac_user lifetime:60' });
    assert.equal(narrower.status, 200, JSON.stringify(narrower.body));
    assert.equal(narrower.body['expires_in'], 60);
  });

  test("another client's refresh token, an unknown one, or one of a revoked session is invalid_grant", async () => {
    const tokens = await login();
    const stolen = await post('/token', { grant_type: 'refresh_token', refresh_token: tokens.refresh_token! }, basic);
    assert.equal(stolen.body['error'], 'invalid_grant');
    assert.equal((await refresh('tsr_unknown')).body['error'], 'invalid_grant');
    await oidc.tokenRevocation(cli, tokens.refresh_token!);
    assert.equal((await refresh(tokens.refresh_token!)).body['error'], 'invalid_grant', 'logout ended the session');
  });
});

describe('client_credentials', () => {
  test("a confidential client gets an ES256 at+jwt of its own that jose verifies against the JWKS", async () => {
    const tokens = await oidc.clientCredentialsGrant(web, { scope: 'lifetime:300' });
    const jwks = (await (await fetch(`${stack.issuer}/.well-known/jwks.json`)).json()) as JSONWebKeySet;
    assert.ok(jwks.keys.every((k) => k.kid && k.alg === 'ES256' && k.use === 'sig' && !('d' in k)), 'public keys only, each with kid and alg');
    const { payload, protectedHeader } = await jwtVerify(tokens.access_token, createLocalJWKSet(jwks), { issuer: stack.issuer, audience: 'tessera', typ: 'at+jwt' });
    assert.equal(protectedHeader.alg, 'ES256');
    assert.equal(payload.sub, 'tessera-web');
    assert.equal(payload['client_id'], 'tessera-web');
    assert.equal(payload.exp! - payload.iat!, 300);
    assert.ok(payload.jti);
    assert.equal(tokens.refresh_token, undefined, 'RFC 6749 §4.4.3');
  });

  test('refusals: wrong secret, a public client, a group scope', async () => {
    const wrong = await post('/token', { grant_type: 'client_credentials' }, `Basic ${Buffer.from('tessera-web:nope').toString('base64')}`);
    assert.equal(wrong.status, 401);
    assert.equal(wrong.body['error'], 'invalid_client');
    assert.match(wrong.headers.get('www-authenticate') ?? '', /^Basic/);
    assert.equal((await post('/token', { grant_type: 'client_credentials', client_id: 'tessera-cli' })).body['error'], 'unauthorized_client');
    const group = await post('/token', { grant_type: 'client_credentials', scope: 'g:dirac_user' }, basic);
    assert.equal(group.body['error'], 'invalid_scope');
    assert.equal((await post('/token', { grant_type: 'password', username: 'x' }, basic)).body['error'], 'unsupported_grant_type');
    const metrics = await (await fetch(`http://127.0.0.1:${stack.authserver.metricsPort}/metrics`)).text();
    assert.match(metrics, /authserver_oauth_requests_total\{endpoint="token",grant_type="client_credentials",outcome="invalid_client"[^}]*\} [1-9]/);
    assert.match(metrics, /authserver_oauth_requests_total\{endpoint="token",grant_type="other",outcome="unsupported_grant_type"[^}]*\} 1/);
    assert.match(metrics, /authserver_device_flows_pending(\{[^}]*\})? \d+/);
    assert.equal((await post('/token', { grant_type: 'client_credentials', scope: 'a', 'scope ': 'b' }, basic)).body['error'], 'invalid_scope');
  });
});

describe('token exchange (RFC 8693)', () => {
  const exchange = (subject: string, extra: Record<string, string> = {}) =>
    post('/token', { grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange', subject_token: subject, subject_token_type: 'urn:ietf:params:oauth:token-type:access_token', ...extra }, basic);

  test('downscopes a user token and never outlives it; wider scope and unknown audiences are refused by name', async () => {
    const tokens = await login('g:dirac_user offline_access lifetime:600');
    const narrowed = await exchange(tokens.access_token, { scope: 'g:dirac_user', audience: 'tessera' });
    assert.equal(narrowed.status, 200, JSON.stringify(narrowed.body));
    assert.equal(narrowed.body['issued_token_type'], 'urn:ietf:params:oauth:token-type:access_token');
    const claims = claimsOf(String(narrowed.body['access_token']));
    assert.equal(claims['sub'], 'bob');
    assert.equal(claims['scope'], 'g:dirac_user');
    assert.ok(Number(claims['exp']) <= Number(claimsOf(tokens.access_token)['exp']));
    const wider = await exchange(tokens.access_token, { scope: 'g:dirac_user openid' });
    assert.equal(wider.body['error'], 'invalid_scope');
    assert.match(String(wider.body['error_description']), /openid/);
    const target = await exchange(tokens.access_token, { audience: 'https://elsewhere.example' });
    assert.equal(target.body['error'], 'invalid_target');
    assert.match(String(target.body['error_description']), /elsewhere\.example/);
    assert.equal((await exchange('not.a.jwt')).body['error'], 'invalid_request');
  });
});

describe('revocation, introspection, userinfo', () => {
  test('revoking an unknown token is 200 (RFC 7009 §2.2); a client may revoke only its own', async () => {
    assert.equal((await post('/revoke', { token: 'tsr_never-issued', client_id: 'tessera-cli' })).status, 200);
    const tokens = await login();
    const foreign = await post('/revoke', { token: tokens.refresh_token! }, basic);
    assert.equal(foreign.body['error'], 'invalid_request');
    assert.equal((await refresh(tokens.refresh_token!)).status, 200, 'the token of another client is untouched');
    const everywhere = await post('/revoke', { token: tokens.access_token, client_id: 'tessera-cli', delete_idp_tokens: 'true' });
    assert.equal(everywhere.body['error'], 'invalid_request', 'logout everywhere takes the refresh token, not an access token jobs also hold');
  });

  test('introspection is for confidential clients; a refresh ends nothing, a logout makes the access token inactive', async () => {
    const tokens = await login();
    const active = await oidc.tokenIntrospection(web, tokens.access_token);
    assert.equal(active.active, true);
    assert.equal(active.sub, 'bob');
    assert.equal(active['group'], 'dirac_user');
    assert.equal((await post('/introspect', { token: tokens.access_token, client_id: 'tessera-cli' })).body['error'], 'invalid_client');
    const rt = await oidc.tokenIntrospection(web, tokens.refresh_token!);
    assert.equal(rt.active, true);
    await oidc.tokenRevocation(cli, tokens.refresh_token!);
    assert.equal((await oidc.tokenIntrospection(web, tokens.access_token)).active, false, 'its session has ended');
    assert.equal((await oidc.tokenIntrospection(web, 'garbage')).active, false);
  });

  test('userinfo needs a valid access token with openid', async () => {
    const tokens = await login('openid profile g:dirac_user');
    assert.ok(tokens.id_token, 'an ID token comes with openid');
    const info = await oidc.fetchUserInfo(cli, tokens.access_token, oidc.skipSubjectCheck);
    assert.equal(info.sub, 'bob');
    assert.equal(info['group'], 'dirac_user');
    const res = await fetch(`${stack.issuer}/userinfo`, { headers: { authorization: 'Bearer nope' } });
    assert.equal(res.status, 401);
    assert.match(res.headers.get('www-authenticate') ?? '', /invalid_token/);
  });
});
