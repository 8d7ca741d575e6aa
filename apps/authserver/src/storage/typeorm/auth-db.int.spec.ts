// AuthDB against real databases: MariaDB (TESSERA_TEST_MARIADB_URL, a database of its own) and
// SQLite in memory. Every record comes back as it went in; the single-use transitions are
// compare-and-sets that only one caller wins; a transaction that throws leaves nothing.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createTestDatabase, DIALECTS, type TestDatabase } from '@tessera/database/testing';
import { openAuthDb } from '../create-auth-db.js';
import type { LoginIdentity, NewAuthorizationFlow, NewDeviceFlow, NewSession } from '../model.js';
import { DuplicateKeyError, type AuthDb } from '../stores.js';

const T0 = new Date('2031-03-04T05:06:07.089Z');
const at = (ms: number) => new Date(T0.getTime() + ms);
const MINUTE = 60_000;
const unique = () => randomBytes(9).toString('base64url');
const identity = (userId = 'alice'): LoginIdentity => ({ userId, group: 'dirac_user', vo: 'dirac', provider: 'dev-idp', providerSubject: `sub-${userId}` });
const origin = { ipAddress: '2001:db8::1', userAgent: 'tessera-cli/1.0' };

const deviceFlow = (overrides: Partial<NewDeviceFlow> = {}): NewDeviceFlow => ({
  id: unique(),
  deviceCodeHash: unique(),
  userCode: unique().slice(0, 8).toUpperCase(),
  clientId: 'tessera-cli',
  scopes: ['openid', 'g:dirac_user', 'offline_access'],
  interval: 5,
  origin,
  createdAt: T0,
  expiresAt: at(30 * MINUTE),
  ...overrides,
});

const codeFlow = (overrides: Partial<NewAuthorizationFlow> = {}): NewAuthorizationFlow => ({
  id: unique(),
  purpose: { kind: 'code', clientId: 'web', redirectUri: 'https://app.example/cb', state: 'xyz', codeChallenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', nonce: undefined },
  scopes: ['openid'],
  stage: 'choose-idp',
  browserBindingHash: unique(),
  origin,
  createdAt: T0,
  expiresAt: at(15 * MINUTE),
  ...overrides,
});

const session = (overrides: Partial<NewSession> = {}): NewSession => ({
  id: unique(),
  clientId: 'tessera-cli',
  identity: identity(),
  scopes: ['openid', 'offline_access'],
  createdAt: T0,
  expiresAt: at(14 * 24 * 60 * MINUTE),
  origin,
  ...overrides,
});

for (const dialect of DIALECTS) {
  describe(`AuthDB on ${dialect}`, () => {
    let database: TestDatabase | undefined;
    let db: AuthDb;
    before(async () => {
      database = await createTestDatabase(dialect, { inMemory: true });
      const opened = await openAuthDb(database.config);
      assert.equal(await opened.pending(), true);
      assert.equal((await opened.migrate()).length, 1);
      assert.equal(await opened.pending(), false);
      db = opened.db;
    });
    after(async () => {
      await db?.close();
      await database?.drop();
    });

    describe('device flows', () => {
      test('come back as they went in, by id, user code and device code hash', async () => {
        const flow = deviceFlow({ origin: { ipAddress: '192.0.2.7', userAgent: 'x'.repeat(300) } });
        const created = await db.stores.deviceFlows.create(flow);
        const expected = { ...flow, origin: { ipAddress: '192.0.2.7', userAgent: 'x'.repeat(256) }, state: 'pending', lastPolledAt: undefined, identity: undefined, grantedScopes: undefined, denial: undefined };
        assert.deepEqual(created, expected);
        assert.deepEqual(await db.stores.deviceFlows.byId(flow.id), expected);
        assert.deepEqual(await db.stores.deviceFlows.byUserCode(flow.userCode), expected);
        assert.deepEqual(await db.stores.deviceFlows.byDeviceCodeHash(flow.deviceCodeHash), expected);
        assert.equal(await db.stores.deviceFlows.byId('nope'), undefined);
      });

      test('a user code that a flow already has is a DuplicateKeyError', async () => {
        const first = await db.stores.deviceFlows.create(deviceFlow());
        await assert.rejects(db.stores.deviceFlows.create(deviceFlow({ userCode: first.userCode })), DuplicateKeyError);
        // The same inside a transaction, which can go on with another code.
        const other = await db.transaction(async (stores) => {
          await assert.rejects(stores.deviceFlows.create(deviceFlow({ userCode: first.userCode })), DuplicateKeyError);
          return stores.deviceFlows.create(deviceFlow());
        });
        assert.ok(await db.stores.deviceFlows.byId(other.id));
      });

      test('a poll is in time after the interval (less the slack), too fast before it, which adds 5 s', async () => {
        const { id } = await db.stores.deviceFlows.create(deviceFlow({ interval: 5 }));
        const flows = db.stores.deviceFlows;
        assert.equal(await flows.recordPoll(id, at(0), 500), 'in-time', 'the first poll');
        assert.equal(await flows.recordPoll(id, at(4_600), 500), 'in-time', 'within the slack of 5 s');
        assert.equal(await flows.recordPoll(id, at(8_000), 500), 'too-fast', '3.4 s after the previous one');
        assert.deepEqual((({ interval, lastPolledAt }) => ({ interval, lastPolledAt }))((await flows.byId(id))!), { interval: 10, lastPolledAt: at(8_000) });
        assert.equal(await flows.recordPoll(id, at(17_000), 500), 'too-fast', '9 s is too fast now');
        assert.equal((await flows.byId(id))!.interval, 15);
        assert.equal(await flows.recordPoll(id, at(32_000), 0), 'in-time', 'exactly the interval');
        assert.equal((await flows.byId(id))!.interval, 15);
        assert.equal(await flows.recordPoll('no-such-flow', at(0), 0), undefined);
      });

      test('approve, deny and consume move the state forward only', async () => {
        const flows = db.stores.deviceFlows;
        const approved = await flows.create(deviceFlow());
        assert.equal(await flows.approve(approved.id, identity(), ['openid', 'g:dirac_user'], at(MINUTE)), true);
        const read = await flows.byId(approved.id);
        assert.deepEqual([read?.state, read?.identity, read?.grantedScopes], ['approved', identity(), ['openid', 'g:dirac_user']]);
        assert.equal(await flows.approve(approved.id, identity('mallory'), [], at(MINUTE)), false);
        assert.equal(await flows.deny(approved.id, 'no'), false);
        assert.equal(await flows.consume(approved.id), true);
        assert.equal(await flows.consume(approved.id), false);
        assert.equal((await flows.byId(approved.id))?.state, 'consumed');

        const denied = await flows.create(deviceFlow());
        assert.equal(await flows.consume(denied.id), false, 'a pending flow cannot be consumed');
        assert.equal(await flows.deny(denied.id, 'the user said no'), true);
        assert.equal(await flows.approve(denied.id, identity(), [], at(MINUTE)), false);
        assert.deepEqual([(await flows.byId(denied.id))?.state, (await flows.byId(denied.id))?.denial], ['denied', 'the user said no']);
      });

      test('an expired flow cannot be approved', async () => {
        const flow = await db.stores.deviceFlows.create(deviceFlow({ expiresAt: at(MINUTE) }));
        assert.equal(await db.stores.deviceFlows.approve(flow.id, identity(), [], at(MINUTE)), false);
        assert.equal((await db.stores.deviceFlows.byId(flow.id))?.state, 'pending');
      });

      test('of two concurrent consumes exactly one wins', async () => {
        const flow = await db.stores.deviceFlows.create(deviceFlow());
        await db.stores.deviceFlows.approve(flow.id, identity(), ['openid'], at(0));
        const outcomes = await Promise.all([db.stores.deviceFlows.consume(flow.id), db.transaction((s) => s.deviceFlows.consume(flow.id)), db.stores.deviceFlows.consume(flow.id)]);
        assert.equal(outcomes.filter(Boolean).length, 1);
      });

      test('countPending counts the pending flows not yet expired', async () => {
        const before = await db.stores.deviceFlows.countPending(at(10 * MINUTE));
        await db.stores.deviceFlows.create(deviceFlow({ expiresAt: at(20 * MINUTE) }));
        await db.stores.deviceFlows.create(deviceFlow({ expiresAt: at(5 * MINUTE) }));
        const denied = await db.stores.deviceFlows.create(deviceFlow({ expiresAt: at(20 * MINUTE) }));
        await db.stores.deviceFlows.deny(denied.id, 'no');
        assert.equal(await db.stores.deviceFlows.countPending(at(10 * MINUTE)), before + 1);
      });
    });

    test('a transaction that throws leaves nothing behind, and the next one runs', async () => {
      const flow = deviceFlow();
      const login = codeFlow();
      await assert.rejects(
        db.transaction(async (stores) => {
          await stores.deviceFlows.create(flow);
          await stores.authorizationFlows.create(login);
          await stores.sessions.create(session({ id: `s-${flow.id}` }), { tokenHash: `t-${flow.id}`, issuedAt: T0 });
          throw new Error('changed my mind');
        }),
        /changed my mind/,
      );
      assert.equal(await db.stores.deviceFlows.byId(flow.id), undefined);
      assert.equal(await db.stores.authorizationFlows.byId(login.id), undefined);
      assert.equal(await db.stores.sessions.byId(`s-${flow.id}`), undefined);
      assert.equal(await db.stores.sessions.tokenByHash(`t-${flow.id}`), undefined);
      assert.equal(await db.transaction((stores) => stores.deviceFlows.create(flow).then((f) => f.id)), flow.id);
    });

    describe('authorization flows', () => {
      test('come back as they went in, and a change sets only what it names', async () => {
        const flows = db.stores.authorizationFlows;
        const flow = codeFlow();
        const fresh = { stage: 'choose-idp', provider: undefined, idpState: undefined, sealedState: undefined, userId: undefined, providerSubject: undefined, candidateGroups: [], identity: undefined, codeHash: undefined, codeExpiresAt: undefined, sessionId: undefined };
        assert.deepEqual(await flows.create(flow), { ...flow, ...fresh });
        assert.deepEqual(await flows.byId(flow.id), { ...flow, ...fresh });

        const sealedState = new Uint8Array([0, 1, 2, 250, 255]);
        const idpState = unique();
        await db.transaction(async (stores) => {
          assert.equal((await stores.authorizationFlows.byId(flow.id, { forUpdate: true }))?.stage, 'choose-idp');
          await stores.authorizationFlows.change(flow.id, { stage: 'at-idp', provider: 'dev-idp', idpState, sealedState });
        });
        await assert.rejects(flows.byIdpState(idpState, { forUpdate: true }), /forUpdate needs a transaction/);
        const atIdp = await db.transaction((stores) => stores.authorizationFlows.byIdpState(idpState, { forUpdate: true }));
        assert.deepEqual([atIdp?.id, atIdp?.stage, atIdp?.provider, atIdp?.sealedState], [flow.id, 'at-idp', 'dev-idp', sealedState]);

        await flows.change(flow.id, { stage: 'choose-group', userId: 'alice', providerSubject: 'sub-alice', candidateGroups: ['dirac_user', 'dirac_admin'] });
        const choosing = await flows.byId(flow.id);
        assert.deepEqual([choosing?.userId, choosing?.providerSubject, choosing?.candidateGroups, choosing?.identity, choosing?.sealedState], ['alice', 'sub-alice', ['dirac_user', 'dirac_admin'], undefined, sealedState]);

        const codeHash = unique();
        await flows.change(flow.id, { stage: 'code-issued', identity: identity(), codeHash, codeExpiresAt: at(MINUTE) });
        await flows.change(flow.id, {});
        const issued = await flows.byCodeHash(codeHash);
        assert.deepEqual(issued, { ...flow, ...fresh, stage: 'code-issued', provider: 'dev-idp', idpState, sealedState, userId: 'alice', providerSubject: 'sub-alice', candidateGroups: ['dirac_user', 'dirac_admin'], identity: identity(), codeHash, codeExpiresAt: at(MINUTE) });
        await flows.change(flow.id, { stage: 'done', sessionId: 'sid-1' });
        assert.deepEqual([(await flows.byCodeHash(codeHash))?.stage, (await flows.byCodeHash(codeHash))?.sessionId], ['done', 'sid-1']);
        assert.equal(await flows.byCodeHash('no-such-code'), undefined);
      });

      test('a device login and a code login without the optional parameters', async () => {
        const device = codeFlow({ purpose: { kind: 'device', deviceFlowId: 'df-1' }, stage: 'at-idp' });
        assert.deepEqual((await db.stores.authorizationFlows.create(device)).purpose, device.purpose);
        const bare = codeFlow({ purpose: { kind: 'code', clientId: 'web', redirectUri: 'https://app.example/cb', state: undefined, codeChallenge: undefined, nonce: 'n-0' } });
        await db.stores.authorizationFlows.create(bare);
        assert.deepEqual((await db.stores.authorizationFlows.byId(bare.id))?.purpose, bare.purpose);
      });

      test('an IdP state another flow has is a DuplicateKeyError', async () => {
        const [one, two] = [codeFlow(), codeFlow()];
        await db.stores.authorizationFlows.create(one);
        await db.stores.authorizationFlows.create(two);
        await db.stores.authorizationFlows.change(one.id, { idpState: `dup-${one.id}` });
        await assert.rejects(db.stores.authorizationFlows.change(two.id, { idpState: `dup-${one.id}` }), DuplicateKeyError);
      });
    });

    describe('sessions', () => {
      test('rotate, find tokens by hash, end once with the first reason', async () => {
        const sessions = db.stores.sessions;
        const created = await sessions.create(session(), { tokenHash: 'rt0-' + unique(), issuedAt: T0 });
        const first = (await sessions.byId(created.id))!;
        assert.deepEqual(first, { ...created, lastUsedAt: undefined, revokedAt: undefined, endReason: undefined, generation: 0 });
        assert.deepEqual(created.identity, identity());

        const hashes = ['a', 'b', 'c'].map((n) => `${n}-${unique()}`);
        await sessions.create(session({ id: `s-${hashes[0]}` }), { tokenHash: hashes[0]!, issuedAt: T0 });
        const sid = `s-${hashes[0]}`;
        assert.deepEqual(await sessions.tokenByHash(hashes[0]!), { tokenHash: hashes[0], sessionId: sid, generation: 0, issuedAt: T0, rotatedAt: undefined });
        await db.transaction(async (stores) => {
          await stores.sessions.byId(sid, { forUpdate: true });
          await stores.sessions.rotate(sid, [hashes[0]!], { tokenHash: hashes[1]!, issuedAt: at(1_000), generation: 1 });
        });
        assert.deepEqual(await sessions.tokenByHash(hashes[0]!), { tokenHash: hashes[0], sessionId: sid, generation: 0, issuedAt: T0, rotatedAt: at(1_000) });
        assert.deepEqual(await sessions.tokenByHash(hashes[1]!), { tokenHash: hashes[1], sessionId: sid, generation: 1, issuedAt: at(1_000), rotatedAt: undefined });
        assert.deepEqual([(await sessions.byId(sid))?.generation, (await sessions.byId(sid))?.lastUsedAt], [1, at(1_000)]);
        // A lost response: the older token again; the successor it never received is retired.
        assert.equal((await sessions.currentToken(sid))?.tokenHash, hashes[1]);
        await sessions.rotate(sid, [hashes[1]!, hashes[0]!], { tokenHash: hashes[2]!, issuedAt: at(2_000), generation: 3 });
        assert.deepEqual((await sessions.tokenByHash(hashes[0]!))?.rotatedAt, at(1_000), 'a rotation time stays');
        assert.deepEqual((await sessions.tokenByHash(hashes[1]!))?.rotatedAt, at(2_000));
        assert.deepEqual(await sessions.tokenByHash(hashes[2]!), { tokenHash: hashes[2], sessionId: sid, generation: 3, issuedAt: at(2_000), rotatedAt: undefined });
        assert.equal((await sessions.byId(sid))?.generation, 3, 'the session takes the generation given');

        assert.equal(await sessions.end(sid, 'reuse', at(3_000)), true);
        assert.equal(await sessions.end(sid, 'logout', at(4_000)), false);
        const ended = await sessions.byId(sid);
        assert.deepEqual([ended?.revokedAt, ended?.endReason], [at(3_000), 'reuse']);
        assert.equal(await sessions.end('no-such-session', 'logout', at(0)), false);
      });

      test('endAllOfUser ends the active ones and keeps earlier ends', async () => {
        const user = `u-${unique()}`;
        const ids = await Promise.all([0, 1, 2].map(async (n) => (await db.stores.sessions.create(session({ identity: identity(user), createdAt: at(n) }), { tokenHash: unique(), issuedAt: at(n) })).id));
        await db.stores.sessions.end(ids[0]!, 'revoked', at(10));
        const expired = await db.stores.sessions.create(session({ identity: identity(user), expiresAt: at(5) }), { tokenHash: unique(), issuedAt: T0 });
        assert.equal(await db.stores.sessions.endAllOfUser(user, 'logout', at(20)), 2);
        assert.deepEqual((await db.stores.sessions.byId(ids[0]!))?.endReason, 'revoked');
        assert.deepEqual((await db.stores.sessions.byId(ids[2]!))?.endReason, 'logout');
        assert.equal((await db.stores.sessions.byId(expired.id))?.revokedAt, undefined, 'an expired session is not ended again');
        assert.equal(await db.stores.sessions.endAllOfUser(user, 'logout', at(30)), 0);
      });

      test("a user's sessions page newest first; activeAt leaves out the ended and the expired", async () => {
        const user = `u-${unique()}`;
        const make = (createdAt: Date, id: string, expiresAt = at(MINUTE)) => db.stores.sessions.create(session({ id: `${user}-${id}`, identity: identity(user), createdAt, expiresAt }), { tokenHash: unique(), issuedAt: createdAt });
        // Two at the same time: the id orders them.
        await make(at(1), 'a');
        await make(at(2), 'b');
        await make(at(2), 'c');
        await make(at(3), 'd', at(10));
        await make(at(4), 'e');
        await db.stores.sessions.end(`${user}-e`, 'logout', at(5));
        await db.stores.sessions.create(session({ identity: identity(`other-${user}`) }), { tokenHash: unique(), issuedAt: T0 });
        const ids = (list: { id: string }[]) => list.map((s) => s.id.slice(user.length + 1));
        const page1 = await db.stores.sessions.ofUser(user, { after: undefined, limit: 2 });
        assert.deepEqual(ids(page1), ['e', 'd']);
        const last = page1[1]!;
        const page2 = await db.stores.sessions.ofUser(user, { after: { createdAt: last.createdAt, id: last.id }, limit: 2 });
        assert.deepEqual(ids(page2), ['c', 'b']);
        const page3 = await db.stores.sessions.ofUser(user, { after: { createdAt: page2[1]!.createdAt, id: page2[1]!.id }, limit: 2 });
        assert.deepEqual(ids(page3), ['a']);
        assert.deepEqual(ids(await db.stores.sessions.ofUser(user, { after: undefined, limit: 10 }, at(20))), ['c', 'b', 'a']);
      });
    });

    test('deleteExpired removes what expired (and ended sessions with their tokens), at most limit at a time', async () => {
      // Long before the other tests' rows, which are not due then.
      const far = (ms: number) => at(-1_000 * 24 * 60 * MINUTE + ms);
      const flows = await Promise.all([1, 2, 3].map((n) => db.stores.deviceFlows.create(deviceFlow({ expiresAt: far(n) }))));
      const live = await db.stores.deviceFlows.create(deviceFlow({ expiresAt: far(100) }));
      assert.equal(await db.stores.deviceFlows.deleteExpired(far(50), 2), 2);
      assert.equal(await db.stores.deviceFlows.byId(flows[0]!.id), undefined, 'the oldest go first');
      assert.ok(await db.stores.deviceFlows.byId(flows[2]!.id));
      assert.equal(await db.stores.deviceFlows.deleteExpired(far(50), 2), 1);
      assert.ok(await db.stores.deviceFlows.byId(live.id));
      await db.stores.deviceFlows.deleteExpired(far(101), 100);

      const logins = await Promise.all([1, 2].map((n) => db.stores.authorizationFlows.create(codeFlow({ expiresAt: far(n) }))));
      assert.equal(await db.stores.authorizationFlows.deleteExpired(far(2), 10), 1);
      assert.equal(await db.stores.authorizationFlows.byId(logins[0]!.id), undefined);
      assert.ok(await db.stores.authorizationFlows.byId(logins[1]!.id));
      await db.stores.authorizationFlows.deleteExpired(far(3), 10);

      const [x, e1, e2, a] = ['x', 'e1', 'e2', 'a'].map((n) => `${n}-${unique()}`) as [string, string, string, string];
      const expired = await db.stores.sessions.create(session({ createdAt: far(0), expiresAt: far(10) }), { tokenHash: x, issuedAt: far(0) });
      const ended = await db.stores.sessions.create(session({ createdAt: far(0), expiresAt: far(1_000) }), { tokenHash: e1, issuedAt: far(0) });
      await db.stores.sessions.rotate(ended.id, [e1], { tokenHash: e2, issuedAt: far(5), generation: 1 });
      await db.stores.sessions.end(ended.id, 'logout', far(20));
      const active = await db.stores.sessions.create(session({ createdAt: far(0), expiresAt: far(1_000) }), { tokenHash: a, issuedAt: far(0) });
      assert.equal(await db.stores.sessions.deleteExpired(far(30), 10), 2);
      assert.equal(await db.stores.sessions.byId(expired.id), undefined);
      assert.equal(await db.stores.sessions.byId(ended.id), undefined);
      for (const hash of [x, e1, e2]) assert.equal(await db.stores.sessions.tokenByHash(hash), undefined, 'their tokens went with them');
      assert.ok(await db.stores.sessions.byId(active.id));
      assert.ok(await db.stores.sessions.tokenByHash(a));
      assert.equal(await db.stores.sessions.deleteExpired(far(30), 10), 0);
    });

    if (dialect === 'mariadb') {
      test('a transaction that lost a deadlock runs again and succeeds', async () => {
        const [a, b] = await Promise.all([0, 1].map(() => db.stores.sessions.create(session(), { tokenHash: unique(), issuedAt: T0 })));
        let runs = 0;
        let bothLocked: () => void = () => {};
        const locked = new Promise<void>((resolve) => {
          let count = 0;
          bothLocked = () => (++count === 2 ? resolve() : undefined);
        });
        // Each locks one session, waits until the other holds its lock, then wants the other's.
        const crosswise = (first: string, second: string) =>
          db.transaction(async (stores) => {
            runs++;
            await stores.sessions.byId(first, { forUpdate: true });
            bothLocked();
            await locked;
            await stores.sessions.byId(second, { forUpdate: true });
            await stores.sessions.end(first, 'revoked', at(1));
            return first;
          });
        assert.deepEqual(await Promise.all([crosswise(a!.id, b!.id), crosswise(b!.id, a!.id)]), [a!.id, b!.id]);
        assert.equal(runs, 3, 'the deadlock victim ran again');
      });
    }
  });
}
