// What expires, on a real AuthDB (both dialects) with a clock the test moves: device codes,
// sessions (absolute lifetime, kept by rotation), the refresh reuse grace, authorization codes.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestDatabase, DIALECTS, type TestDatabase } from '@tessera/database/testing';
import type { OAuthClient } from '../oauth/clients.js';
import { OAuthError } from '../oauth/errors.js';
import { openAuthDb } from '../storage/create-auth-db.js';
import type { AuthDb } from '../storage/stores.js';
import { AuthorizationCodes } from './authorization-codes.js';
import { DeviceFlowService } from './device-flow-service.js';
import { newSecret, secretHash } from './secrets.js';
import { SessionService } from './session-service.js';

const MINUTE = 60_000;
const client: OAuthClient = { id: 'tessera-cli', type: 'public', displayName: 'CLI', grantTypes: new Set(['urn:ietf:params:oauth:grant-type:device_code', 'refresh_token']), redirectUris: ['http://127.0.0.1/cb'] };
const identity = { userId: 'bob', group: 'dirac_user', vo: 'dirac', provider: 'dev-idp', providerSubject: 'bob' };
const origin = { ipAddress: '127.0.0.1', userAgent: 'test' };
const scope = { group: 'dirac_user', lifetimeMs: undefined, openid: false, profile: false, offlineAccess: false, tokens: ['g:dirac_user'] };

async function oauthError(run: Promise<unknown>): Promise<OAuthError> {
  try {
    await run;
  } catch (error) {
    assert.ok(error instanceof OAuthError, String(error));
    return error;
  }
  assert.fail('accepted');
}

for (const dialect of DIALECTS) {
  describe(`expiry on ${dialect}`, () => {
    let database: TestDatabase;
    let db: AuthDb;
    let now = Date.parse('2026-12-01T12:00:00Z');
    const clock = () => new Date(now);
    let sessions: SessionService;

    before(async () => {
      database = await createTestDatabase(dialect, { inMemory: true });
      const opened = await openAuthDb(database.config);
      await opened.migrate();
      db = opened.db;
      sessions = new SessionService(db, { sessionLifetime: 60 * MINUTE, refreshTokenReuseGrace: 10_000, clock });
    });
    after(async () => {
      await db?.close();
      await database?.drop();
    });

    test('a device code expires: expired_token, however it was left', async () => {
      const flows = new DeviceFlowService(db, sessions, { issuer: 'http://x', lifetime: 30 * MINUTE, interval: 5_000, clock });
      const started = await flows.authorize(client, scope, origin);
      assert.equal((await oauthError(flows.redeem(started.device_code, client))).error, 'authorization_pending');
      now += 30 * MINUTE;
      assert.equal((await oauthError(flows.redeem(started.device_code, client))).error, 'expired_token');
      const flow = (await db.stores.deviceFlows.byDeviceCodeHash(secretHash(started.device_code)))!;
      assert.equal(await db.stores.deviceFlows.approve(flow.id, identity, scope.tokens, clock()), false, 'an expired flow cannot be approved');
    });

    test('a session ends at its absolute expiry however often it is refreshed (DiracX: refresh past expiry)', async () => {
      const started = await db.transaction((stores) => sessions.start(stores, { clientId: client.id, identity, scopes: scope.tokens, origin }));
      let token = started.refreshToken;
      for (let i = 0; i < 5; i++) {
        now += 11 * MINUTE;
        const rotated = await sessions.rotate(token, client.id);
        assert.equal(rotated.session.expiresAt.getTime(), started.session.expiresAt.getTime(), 'rotation keeps the family expiry');
        token = rotated.refreshToken;
      }
      now += 6 * MINUTE;
      assert.match((await oauthError(sessions.rotate(token, client.id))).description, /expired/);
    });

    test('the reuse grace is short: the previous token presented after it ends the session', async () => {
      const started = await db.transaction((stores) => sessions.start(stores, { clientId: client.id, identity, scopes: scope.tokens, origin }));
      const next = await sessions.rotate(started.refreshToken, client.id);
      now += 11_000;
      assert.match((await oauthError(sessions.rotate(started.refreshToken, client.id))).description, /already used/);
      assert.equal((await sessions.byId(next.session.id))?.endReason, 'reuse');
      assert.equal((await oauthError(sessions.rotate(next.refreshToken, client.id))).error, 'invalid_grant');
    });

    test('two refreshes racing with one token: one rotates, the other sees it rotated (no grace here)', async () => {
      const strict = new SessionService(db, { sessionLifetime: 60 * MINUTE, refreshTokenReuseGrace: 0, clock });
      const started = await db.transaction((stores) => strict.start(stores, { clientId: client.id, identity, scopes: scope.tokens, origin }));
      const results = await Promise.allSettled([strict.rotate(started.refreshToken, client.id), strict.rotate(started.refreshToken, client.id)]);
      assert.deepEqual(results.map((r) => r.status).sort(), ['fulfilled', 'rejected']);
    });

    test('an authorization code expires, and one redeemed is refused and ends its session when replayed', async () => {
      const codes = new AuthorizationCodes(db, sessions, clock);
      const verifier = 'v'.repeat(43);
      const challenge = (await import('node:crypto')).createHash('sha256').update(verifier).digest('base64url');
      const issue = async () => {
        const code = newSecret('tsc');
        const id = `flow-${Math.random()}`;
        await db.stores.authorizationFlows.create({ id, purpose: { kind: 'code', clientId: client.id, redirectUri: 'http://127.0.0.1/cb', state: 's', codeChallenge: challenge, nonce: undefined }, scopes: scope.tokens, stage: 'at-idp', browserBindingHash: 'b', origin, createdAt: clock(), expiresAt: new Date(now + 15 * MINUTE) });
        await db.transaction(async (stores) => {
          await stores.authorizationFlows.byId(id, { forUpdate: true });
          await stores.authorizationFlows.change(id, { stage: 'code-issued', identity, codeHash: secretHash(code), codeExpiresAt: new Date(now + MINUTE) });
        });
        return code;
      };
      const late = await issue();
      now += MINUTE + 1;
      assert.match((await oauthError(codes.redeem(late, client, 'http://127.0.0.1/cb', verifier))).description, /expired/);
      const code = await issue();
      assert.equal((await oauthError(codes.redeem(code, client, 'http://127.0.0.1/other', verifier))).error, 'invalid_grant', 'redirect_uri must match');
      assert.equal((await oauthError(codes.redeem(code, client, 'http://127.0.0.1/cb', 'w'.repeat(43)))).error, 'invalid_grant', 'PKCE verifier must match');
      const { issued } = await codes.redeem(code, client, 'http://127.0.0.1/cb', verifier);
      assert.match((await oauthError(codes.redeem(code, client, 'http://127.0.0.1/cb', verifier))).description, /already been used/);
      assert.equal((await sessions.byId(issued.session.id))?.endReason, 'code-replay');
    });
  });
}
