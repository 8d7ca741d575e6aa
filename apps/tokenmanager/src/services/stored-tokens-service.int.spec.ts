// The stored IdP tokens on a real MariaDB (provided by the test runner) and on SQLite (sql.js),
// through the service that owns the transactions: DIRAC's TokenDB behaviours and their fixes.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Code } from '@connectrpc/connect';
import { Secret, type RegistryConfig } from '@tessera/config';
import { ServiceError } from '@tessera/rpc';
import { AccessTokenFront } from './access-token-front.js';
import { TokenCipher } from '../crypto/token-cipher.js';
import { openTokenDb, type OpenedTokenDb } from '../storage/create-token-db.js';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../testing/test-databases.js';
import { etagOf, StoredTokensService, type RequestContext, type TokenToStore } from './stored-tokens-service.js';

const registry: RegistryConfig = {
  vos: { dirac: { idp: 'dev-idp' } },
  groups: {},
  users: { alice: { subjects: { 'dev-idp': 'alice-sub' }, groups: [] }, bob: { subjects: { 'dev-idp': 'bob-sub' }, groups: [] } },
  services: {},
};
const issuers = new Map([['dev-idp', 'http://127.0.0.1:9000']]);
const context: RequestContext = { actor: { kind: 'service', id: 'spiffe://tessera.dev/authserver' }, requestId: 'req-1' };
const key = () => new Secret(randomBytes(32).toString('base64'));
const HOUR = 3_600_000;

function token(overrides: Partial<TokenToStore> = {}, secrets: Partial<TokenToStore['secrets']> = {}): TokenToStore {
  return {
    userId: 'alice',
    provider: 'dev-idp',
    subject: 'alice-sub',
    clientId: 'tessera-idp-gateway',
    secrets: { accessToken: `at-${randomBytes(4).toString('hex')}`, refreshToken: `rt-${randomBytes(4).toString('hex')}`, ...secrets },
    tokenType: 'Bearer',
    scopes: ['openid', 'offline_access', 'wlcg.groups'],
    issuedAt: new Date(),
    expiresAt: new Date(Date.now() + HOUR),
    refreshExpiresAt: undefined,
    claims: undefined,
    defaultRefreshLifetimeMs: undefined,
    etag: '',
    ...overrides,
  };
}

const rejects = (promise: Promise<unknown>, code: Code, message: RegExp) =>
  assert.rejects(promise, (e: unknown) => {
    assert.ok(e instanceof ServiceError, String(e));
    assert.equal(Code[e.code], Code[code]);
    assert.match(e.message, message);
    return true;
  });

for (const dialect of DIALECTS) {
  describe(`stored IdP tokens on ${dialect}`, () => {
    let database: TestDatabase;
    let opened: OpenedTokenDb;
    let service: StoredTokensService;
    const keys = { k1: key(), k2: key() };
    const cipher = new TokenCipher({ activeKey: 'k1', keys: { k1: keys.k1 } });

    before(async () => {
      database = await createTestDatabase(dialect);
      opened = await openTokenDb(database.config, cipher);
      assert.equal((await opened.migrate()).length, 2, 'every migration ran');
      service = new StoredTokensService(opened.db, registry, issuers, 86_400_000, new AccessTokenFront());
    });
    after(async () => {
      await opened?.db.close();
      await database?.drop();
    });

    const outbox = () => opened.db.transaction((s) => s.outbox.due(new Date(Date.now() + 1000), 100));
    const history = (userId = 'alice') => opened.db.transaction((s) => s.history.list({ userId }, { limit: 100 }));

    test('the first store supersedes nothing; a second returns the old one to revoke and only the new remains', async () => {
      const first = token();
      const stored = await service.update(first, context);
      assert.equal(stored.supersededCount, 0);
      assert.equal(stored.keptStored, false);
      assert.equal(stored.token.encryptionKeyId, 'k1');
      assert.ok(stored.token.refreshExpiresAt.getTime() > Date.now() + 86_000_000, 'the default lifetime applies (DIRAC: 86,400 s)');
      assert.equal((await outbox()).length, 0);
      const second = token();
      const replaced = await service.update(second, context);
      assert.equal(replaced.supersededCount, 1);
      assert.notEqual(replaced.token.tokenId, stored.token.tokenId, 'a replaced token has a new id');
      const queued = await outbox();
      assert.deepEqual(queued.map((r) => [r.userId, r.provider, r.tokenTypeHint, r.token]), [['alice', 'dev-idp', 'refresh_token', first.secrets.refreshToken]]);
      const rows = await service.ofUser('alice');
      assert.deepEqual(rows.map((r) => r.tokenId), [replaced.token.tokenId], 'one token per user and provider');
      const current = await opened.db.transaction((s) => s.tokens.current('alice', 'dev-idp'));
      assert.equal(current?.secrets.refreshToken, second.secrets.refreshToken);
      const actions = (await history()).map((e) => e.action);
      for (const action of ['stored', 'superseded', 'revocation_queued'] as const) assert.ok(actions.includes(action), `history has ${action}`);
    });

    test('a token with narrower scopes than the live stored one does not replace it, and is revoked', async () => {
      const before = (await service.ofUser('alice'))[0]!;
      const pending = (await outbox()).length;
      const narrow = token({ scopes: ['openid', 'offline_access'] });
      const outcome = await service.update(narrow, context);
      assert.equal(outcome.keptStored, true);
      assert.equal(outcome.token.tokenId, before.tokenId, 'the response describes the kept token');
      const queued = await outbox();
      assert.equal(queued.length, pending + 1);
      assert.equal(queued.at(-1)?.token, narrow.secrets.refreshToken);
      const wider = await service.update(token({ scopes: ['openid', 'offline_access', 'wlcg.groups', 'email'] }), context);
      assert.equal(wider.keptStored, false, 'a broader token replaces it');
    });

    test('bad input is refused with the reason, and nothing is written', async () => {
      const count = (await history()).length;
      await rejects(service.update(token({}, { refreshToken: '' }), context), Code.InvalidArgument, /refresh_token is required/);
      await rejects(service.update(token({ refreshExpiresAt: new Date(Date.now() - 1000) }), context), Code.InvalidArgument, /refresh_token expired at/);
      const expiredJwt = `e30.${Buffer.from(JSON.stringify({ exp: Math.floor(Date.now() / 1000) - 60 })).toString('base64url')}.sig`;
      await rejects(service.update(token({}, { refreshToken: expiredJwt }), context), Code.InvalidArgument, /expired at/);
      await rejects(service.update(token({ subject: 'mallory-sub' }), context), Code.PermissionDenied, /subject is not alice's at dev-idp/);
      await rejects(service.update(token({ userId: 'mallory', subject: 'x' }), context), Code.NotFound, /no user "mallory"/);
      await rejects(service.update(token({ provider: 'nope' }), context), Code.InvalidArgument, /no identity provider named "nope"/);
      await rejects(service.update(token({ claims: { sub: 'bob-sub' } }), context), Code.PermissionDenied, /another subject/);
      await rejects(service.update(token({ claims: { iss: 'https://evil.example' } }), context), Code.PermissionDenied, /another issuer/);
      await rejects(service.update(token({ etag: 'stale' }), context), Code.Aborted, /changed since its etag/);
      assert.equal((await history()).length, count, 'no history for refused requests');
      const [current] = await service.ofUser('alice');
      const conditional = await service.update(token({ etag: etagOf(current!), scopes: current!.scopes }), context);
      assert.equal(conditional.supersededCount, 1, 'the right etag writes');
      await rejects(service.update(token({ etag: etagOf(current!), scopes: current!.scopes }), context), Code.Aborted, /etag/);
    });

    test('the same refresh token sent again is never revoked, and a token set without scopes is not "narrower"', async () => {
      const [current] = await service.ofUser('alice');
      const stored = await opened.db.transaction((s) => s.tokens.current('alice', 'dev-idp'));
      const pending = (await outbox()).length;
      const again = await service.update(token({ scopes: ['openid'] }, { refreshToken: stored!.secrets.refreshToken }), context);
      assert.equal(again.keptStored, false);
      assert.equal(again.supersededCount, 0);
      assert.equal((await outbox()).length, pending, 'nothing revoked');
      const unscoped = await service.update(token({ scopes: [] }), context);
      assert.equal(unscoped.keptStored, false, 'an IdP may leave scope out: that is no narrower token');
      assert.equal(unscoped.supersededCount, 1);
      assert.notEqual(unscoped.token.tokenId, current!.tokenId);
    });

    test("storing never touches another user's rows", async () => {
      await service.update(token({ userId: 'bob', subject: 'bob-sub' }), context);
      const alice = await service.ofUser('alice');
      await service.update(token({ userId: 'bob', subject: 'bob-sub' }), context);
      assert.deepEqual(await service.ofUser('alice'), alice);
      assert.deepEqual((await service.page([], undefined, 10)).map((t) => t.userId), ['alice', 'bob']);
      assert.deepEqual((await service.page([], { userId: 'alice', provider: 'dev-idp' }, 10)).map((t) => t.userId), ['bob'], 'paged after a key');
    });

    test('deleting is idempotent, records why, and revokes upstream only when asked', async () => {
      const pending = (await outbox()).length;
      assert.deepEqual(await service.delete({ userId: 'bob', provider: '', revokeUpstream: false, reason: 'logout' }, context), { deleted: 1, revocationsQueued: 0 });
      assert.equal((await outbox()).length, pending);
      assert.deepEqual(await service.delete({ userId: 'bob', provider: '', revokeUpstream: true, reason: 'logout' }, context), { deleted: 0, revocationsQueued: 0 }, 'deleting nothing succeeds');
      assert.deepEqual(await service.delete({ userId: 'alice', provider: 'dev-idp', revokeUpstream: true, reason: 'admin: laptop lost' }, context), { deleted: 1, revocationsQueued: 1 });
      assert.equal((await outbox()).length, pending + 1);
      const deleted = (await history('alice')).find((e) => e.action === 'deleted');
      assert.equal(deleted?.detail, 'admin: laptop lost');
      assert.equal(deleted?.actor.id, 'spiffe://tessera.dev/authserver');
      await rejects(service.delete({ userId: '', provider: '', revokeUpstream: false, reason: '' }, context), Code.InvalidArgument, /user_id is required/);
    });

    test('tokens are encrypted at rest, bound to their row, and older keys still decrypt after rotation', async () => {
      const secret = token({}, { refreshToken: 'rt-PLAINTEXT-MARKER' });
      await service.update(secret, context);
      if (dialect === 'sqlite') {
        await opened.db.close();
        assert.doesNotMatch(readFileSync((database.config as { path: string }).path).toString('latin1'), /PLAINTEXT-MARKER/);
      } else {
        await opened.db.close();
      }
      // The file (or database) is opened again with the key rotated: the old row still decrypts.
      const rotated = new TokenCipher({ activeKey: 'k2', keys: { k1: keys.k1, k2: keys.k2 } });
      opened = await openTokenDb(database.config, rotated);
      assert.deepEqual(await opened.migrate(), [], 'nothing left to migrate');
      service = new StoredTokensService(opened.db, registry, issuers, 86_400_000, new AccessTokenFront());
      const current = await opened.db.transaction((s) => s.tokens.current('alice', 'dev-idp'));
      assert.equal(current?.secrets.refreshToken, 'rt-PLAINTEXT-MARKER');
      assert.equal(current?.encryptionKeyId, 'k1');
      const rewritten = await service.update(token(), context);
      assert.equal(rewritten.token.encryptionKeyId, 'k2', 'new rows use the active key');
    });

    test('a row whose key left the keyring is flagged, can be replaced and deleted, and is never revoked blindly', async () => {
      await service.update(token({ userId: 'bob', subject: 'bob-sub' }), context);
      await opened.db.close();
      const stranger = new TokenCipher({ activeKey: 'k9', keys: { k9: key() } });
      opened = await openTokenDb(database.config, stranger);
      service = new StoredTokensService(opened.db, registry, issuers, 86_400_000, new AccessTokenFront());
      const current = await opened.db.transaction((s) => s.tokens.current('bob', 'dev-idp'));
      assert.equal(current?.undecryptable, true);
      assert.equal(current?.secrets.refreshToken, '');
      const pending = (await outbox()).length;
      const replaced = await service.update(token({ userId: 'bob', subject: 'bob-sub' }), context);
      assert.equal(replaced.supersededCount, 1);
      assert.equal(replaced.token.encryptionKeyId, 'k9');
      assert.equal((await outbox()).length, pending, 'what cannot be decrypted is not queued for revocation');
      assert.equal((await service.delete({ userId: 'alice', provider: '', revokeUpstream: true, reason: 'cleanup' }, context)).revocationsQueued, 0, "alice's rows are under k1/k2, gone from this keyring");
    });
  });
}
