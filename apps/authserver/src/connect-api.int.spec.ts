// The Connect API for the CLI (tessera.authserver.v1.AuthService) with real Tessera access tokens:
// every method works for its user, refuses what it must, and every bad bearer token is refused.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPair, importPKCS8, SignJWT } from 'jose';
import { readFileSync } from 'node:fs';
import * as oidc from 'openid-client';
import { Code, createClient, type ConnectError } from '@connectrpc/connect';
import { createConnectTransport } from '@connectrpc/connect-node';
import { AuthService, authserverV1 } from '@tessera/contracts';
import { startAuthStack, type AuthStack } from './testing/auth-stack.js';
import { approveDevice } from './testing/logins.js';

let stack: AuthStack;
let cli: oidc.Configuration;

before(async () => {
  stack = await startAuthStack({ TESSERA__APPS__AUTHSERVER__DEVICEFLOW__INTERVAL: '1s' });
  cli = await stack.client('tessera-cli');
});
after(() => stack?.close());

async function login(user: string, group: string) {
  const started = await oidc.initiateDeviceAuthorization(cli, { scope: `g:${group} offline_access` });
  const polling = oidc.pollDeviceAuthorizationGrant(cli, started);
  await approveDevice(started.verification_uri_complete!, user, { group });
  return polling;
}
const api = (token?: string) =>
  createClient(
    AuthService,
    createConnectTransport({ baseUrl: stack.issuer, httpVersion: '1.1', interceptors: token ? [(next) => (req) => (req.header.set('authorization', `Bearer ${token}`), next(req))] : [] }),
  );
const refused = (code: Code) => (e: ConnectError) => e.code === code;

describe('AuthService', () => {
  test('Whoami describes the caller as the token says', async () => {
    const tokens = await login('bob', 'dirac_user');
    const me = await api(tokens.access_token).whoami({});
    assert.equal(me.userId, 'bob');
    assert.equal(me.group, 'dirac_user');
    assert.equal(me.vo, 'dirac');
    assert.deepEqual(me.properties.sort(), ['NormalUser', 'PrivateLimitedDelegation']);
    assert.equal(me.clientId, 'tessera-cli');
    assert.equal(me.provider, 'dev-idp');
    assert.equal(me.providerSubject, 'bob');
    assert.equal(me.issuer, stack.issuer);
    assert.ok(me.sessionId);
  });

  test('GetMyTokensInfo asks tokenmanager as the user: the IdP token the login stored', async () => {
    const tokens = await login('bob', 'dirac_user');
    const info = await api(tokens.access_token).getMyTokensInfo({});
    assert.deepEqual(info.tokens.map((t) => [t.provider, t.subject]), [['dev-idp', 'bob']]);
  });

  test('ListSessions and RevokeSession: own sessions, the current one marked; another user\u2019s is NOT_FOUND', async () => {
    const first = await login('bob', 'dirac_user');
    const second = await login('bob', 'dirac_user');
    const bob = api(second.access_token);
    const listed = await bob.listSessions({ pageSize: 1 });
    assert.equal(listed.sessions.length, 1);
    assert.equal(listed.sessions[0]?.current, true, 'newest first: the session of this token');
    assert.ok(listed.nextPageToken);
    const rest = await bob.listSessions({ pageSize: 1000, pageToken: listed.nextPageToken });
    assert.ok(rest.sessions.every((s) => s.state === authserverV1.SessionState.ACTIVE && !s.current));
    await assert.rejects(bob.listSessions({ pageToken: 'forged' }), refused(Code.InvalidArgument));

    const firstSession = (await api(first.access_token).whoami({})).sessionId;
    const revoked = await bob.revokeSession({ sessionId: firstSession });
    assert.equal(revoked.revokedNow, true);
    assert.equal(revoked.session?.state, authserverV1.SessionState.REVOKED);
    assert.equal((await bob.revokeSession({ sessionId: firstSession })).revokedNow, false, 'idempotent');
    await assert.rejects(api(first.access_token).whoami({}), refused(Code.Unauthenticated), "an ended session's access token no longer opens the API");
    const dead = await fetch(`${stack.issuer}/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: first.refresh_token!, client_id: 'tessera-cli' }) });
    assert.equal(((await dead.json()) as { error: string }).error, 'invalid_grant');

    const alice = await login('alice', 'dirac_user');
    await assert.rejects(api(alice.access_token).revokeSession({ sessionId: (await bob.whoami({})).sessionId }), refused(Code.NotFound));
    await assert.rejects(api(alice.access_token).listSessions({ userId: 'bob' }), refused(Code.PermissionDenied), 'dirac_user has no ProxyManagement');
  });

  test('an administrator (ProxyManagement) lists and ends anyone\u2019s sessions', async () => {
    const bob = await login('bob', 'dirac_user');
    const admin = api((await login('alice', 'dirac_admin')).access_token);
    const bobsSession = (await api(bob.access_token).whoami({})).sessionId;
    const listed = await admin.listSessions({ userId: 'bob', pageSize: 1000 });
    assert.ok(listed.sessions.some((s) => s.sessionId === bobsSession));
    assert.equal((await admin.revokeSession({ sessionId: bobsSession })).revokedNow, true);
  });

  test('RevokeSession with delete_idp_tokens is logout everywhere: every session and the stored IdP token go', async () => {
    const other = await login('bob', 'dirac_user');
    const current = await login('bob', 'dirac_user');
    const bob = api(current.access_token);
    await bob.revokeSession({ sessionId: (await bob.whoami({})).sessionId, deleteIdpTokens: true });
    const left = await api((await login('alice', 'dirac_admin')).access_token).listSessions({ userId: 'bob' });
    assert.deepEqual(left.sessions, [], 'no active session of bob is left');
    const refresh = await fetch(`${stack.issuer}/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: other.refresh_token!, client_id: 'tessera-cli' }) });
    assert.equal(refresh.status, 400);
    // A new login stores a new IdP token; before it, tokenmanager holds none for bob.
    const again = await login('bob', 'dirac_user');
    const revocations = stack.idp.requests.filter((r) => r.method === 'POST' && r.path.startsWith('/token/revocation'));
    assert.ok(revocations.length >= 1, 'tokenmanager revoked the IdP token at dev-idp through its outbox');
    assert.equal((await api(again.access_token).getMyTokensInfo({})).tokens.length, 1);
  });

  test('bearer tokens that must be refused: none, malformed, alg none, a foreign key, expired, a client token', async () => {
    await assert.rejects(api().whoami({}), refused(Code.Unauthenticated));
    await assert.rejects(api('garbage').whoami({}), refused(Code.Unauthenticated));
    const claims = { iss: stack.issuer, sub: 'bob', aud: 'tessera', client_id: 'tessera-cli', jti: 'x', group: 'dirac_user', vo: 'dirac', scope: 'g:dirac_user' };
    const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const now = Math.floor(Date.now() / 1000);
    const unsigned = `${b64({ alg: 'none', typ: 'at+jwt', kid: 'dev-1' })}.${b64({ ...claims, iat: now, exp: now + 600 })}.`;
    await assert.rejects(api(unsigned).whoami({}), refused(Code.Unauthenticated));
    const foreign = await generateKeyPair('ES256');
    const forged = await new SignJWT(claims).setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: 'dev-1' }).setIssuedAt().setExpirationTime('10m').sign(foreign.privateKey);
    await assert.rejects(api(forged).whoami({}), refused(Code.Unauthenticated));
    const ours = await importPKCS8(readFileSync(`${stack.pki.dir}/authserver-signing-dev-1.key`, 'utf8'), 'ES256');
    const expired = await new SignJWT(claims).setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: 'dev-1' }).setIssuedAt(now - 3600).setExpirationTime(now - 600).sign(ours);
    await assert.rejects(api(expired).whoami({}), refused(Code.Unauthenticated));
    const valid = await new SignJWT(claims).setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: 'dev-1' }).setIssuedAt().setExpirationTime('10m').sign(ours);
    assert.equal((await api(valid).whoami({})).userId, 'bob', 'the same claims signed by our key pass: the refusals above are for the reason named');
    const client = await oidc.clientCredentialsGrant(await stack.client('tessera-web'), {});
    await assert.rejects(api(client.access_token).whoami({}), refused(Code.Unauthenticated), 'a client credentials token names no user');
  });
});
