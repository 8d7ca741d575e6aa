// The `migrate` command as the Kubernetes Job runs it, against a real MariaDB: tokenmanager
// refuses to serve a schema behind its code, migrate brings it up to date, and --reencrypt
// re-seals stored tokens under a rotated keyring while they keep decrypting.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { Secret } from '@tessera/config';
import { createTestPki, REPO_ROOT, testEnv, type TestPki } from '@tessera/testing';
import { AccessTokenFront } from './services/access-token-front.js';
import { TokenCipher } from './crypto/token-cipher.js';
import { StoredTokensService } from './services/stored-tokens-service.js';
import { openTokenDb } from './storage/create-token-db.js';
import { createTestDatabase, type TestDatabase } from './testing/test-databases.js';

const run = promisify(execFile);
let pki: TestPki;
let database: TestDatabase;
const k1 = randomBytes(32).toString('base64');
const k2 = randomBytes(32).toString('base64');

before(async () => {
  pki = await createTestPki();
  database = await createTestDatabase('mariadb');
});
after(async () => {
  await database?.drop();
  pki?.remove();
});

const env = (keys: Record<string, string>, active: string) => ({
  ...process.env,
  ...testEnv(pki, { TESSERA__APPS__TOKENMANAGER__DATABASE__PATH: '' }),
  TESSERA__LOG__LEVEL: 'info',
  TESSERA__APPS__TOKENMANAGER__DATABASE: JSON.stringify({ type: 'mariadb', url: (database.config as { url: Secret }).url.reveal() }),
  TESSERA__APPS__TOKENMANAGER__ENCRYPTION: JSON.stringify({ activeKey: active, keys }),
});
const node = (script: string, args: string[], environment: NodeJS.ProcessEnv) =>
  run(process.execPath, ['--import', 'tsx', script, ...args], { cwd: REPO_ROOT, env: environment, timeout: 60_000 }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (e: { code: number; stdout: string; stderr: string }) => e,
  );

test('a database that cannot be opened stops migrate with its error code and no URL', async () => {
  const environment = env({ k1 }, 'k1');
  const url = new URL((database.config as { url: Secret }).url.reveal());
  url.pathname = '/no_such_database';
  url.password = 'pw-SECRET';
  environment.TESSERA__APPS__TOKENMANAGER__DATABASE = JSON.stringify({ type: 'mariadb', url: url.href });
  const failed = await node('apps/tokenmanager/src/migrate.ts', [], environment);
  assert.equal(failed.code, 1);
  assert.match(failed.stdout, /TokenDB cannot be opened \(ER_[A-Z_]+\)/);
  assert.doesNotMatch(failed.stdout + failed.stderr, /SECRET|no_such_database/);
});

test('tokenmanager refuses a schema behind its code; migrate brings it up to date', async () => {
  const refused = await node('apps/tokenmanager/src/main.ts', [], env({ k1 }, 'k1'));
  assert.equal(refused.code, 1);
  assert.match(refused.stdout, /TokenDB has migrations still to apply: run `npm run migrate`/);
  assert.doesNotMatch(refused.stderr, /\n\s+at /, 'no stack trace');
  // Two Jobs at once (a retried Job, two releases): one migrates, the other waits and finds nothing to do.
  const [one, two] = await Promise.all([node('apps/tokenmanager/src/migrate.ts', [], env({ k1 }, 'k1')), node('apps/tokenmanager/src/migrate.ts', [], env({ k1 }, 'k1'))]);
  assert.equal(one.code, 0, one.stderr);
  assert.equal(two.code, 0, two.stderr);
  const outputs = [one.stdout, two.stdout];
  assert.equal(outputs.filter((o) => /"applied":\["TokenDbMariadb1764622800000","AccessTokenCacheMariadb1764626400000"\].*TokenDB migrated/.test(o)).length, 1);
  assert.equal(outputs.filter((o) => /TokenDB schema is up to date/.test(o)).length, 1);
});

test('migrate --reencrypt re-seals every stored token under the active key, and they still decrypt', async () => {
  const old = new TokenCipher({ activeKey: 'k1', keys: { k1: new Secret(k1) } });
  const opened = await openTokenDb(database.config, old);
  const registry = { vos: {}, groups: {}, users: { alice: { subjects: { 'dev-idp': 'alice' }, groups: [] } }, services: {} };
  await new StoredTokensService(opened.db, registry, new Map([['dev-idp', 'x']]), 86_400_000, new AccessTokenFront()).update(
    { userId: 'alice', provider: 'dev-idp', subject: 'alice', clientId: 'c', secrets: { accessToken: 'at-1', refreshToken: 'rt-1' }, tokenType: 'Bearer', scopes: ['openid'], issuedAt: undefined, expiresAt: undefined, refreshExpiresAt: undefined, claims: undefined, defaultRefreshLifetimeMs: undefined, etag: '' },
    { actor: { kind: 'system', id: 'system:test' }, requestId: 't' },
  );
  await opened.db.close();
  const done = await node('apps/tokenmanager/src/migrate.ts', ['--reencrypt'], env({ k1, k2 }, 'k2'));
  assert.equal(done.code, 0, done.stderr);
  assert.match(done.stdout, /"tokens":1.*re-encrypted/);
  // Only the new key remains: the row was re-sealed under it.
  const rotated = await openTokenDb(database.config, new TokenCipher({ activeKey: 'k2', keys: { k2: new Secret(k2) } }));
  try {
    const current = await rotated.db.transaction((s) => s.tokens.current('alice', 'dev-idp'));
    assert.equal(current?.encryptionKeyId, 'k2');
    assert.deepEqual(current?.secrets, { accessToken: 'at-1', refreshToken: 'rt-1' });
  } finally {
    await rotated.db.close();
  }
});
