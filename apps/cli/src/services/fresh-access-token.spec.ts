import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import type { CliContext, OAuthClient } from '../cli-context.js';
import { CliError } from '../cli-error.js';
import { ExitCode } from '../exit-codes.js';
import type { IssuedTokens } from '../oauth/tessera-oauth.js';
import { terminal } from '../output/terminal.js';
import { writeBearerToken } from '../storage/bearer-token-file.js';
import { locations } from '../storage/locations.js';
import { readSession, writeSession } from '../storage/session-file.js';
import { freshAccessToken } from './fresh-access-token.js';

const ISSUER = 'https://tessera.example';
const MINUTE = 60_000;
const jwt = (claims: Record<string, unknown>) => `e30.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.sig`;
const tokenFor = (minutes: number, iss = ISSUER) => jwt({ iss, sub: 'bob', exp: Math.floor(Date.now() / 1000) + minutes * 60 });

let dir: string;
before(() => (dir = mkdtempSync(join(tmpdir(), 'tessera-fresh-'))));
after(() => rmSync(dir, { recursive: true, force: true }));

/** An issuer whose refresh tokens are single use, as Tessera's are. */
function singleUseIssuer(firstRefreshToken: string) {
  let current = firstRefreshToken;
  const issuer = {
    refreshes: 0,
    async refresh(refreshToken: string): Promise<IssuedTokens> {
      await sleep(30);
      if (refreshToken !== current) throw new CliError(ExitCode.notLoggedIn, 'reused');
      issuer.refreshes++;
      current = `tsr_${issuer.refreshes}`;
      return { accessToken: tokenFor(20), refreshToken: current, expiresIn: 20 * MINUTE, scope: 'offline_access' };
    },
  };
  return issuer;
}

async function setUp(name: string, accessToken: string) {
  const home = join(dir, name);
  mkdirSync(join(home, 'run'), { recursive: true });
  const where = locations({ XDG_RUNTIME_DIR: join(home, 'run') }, 1000, home);
  await writeSession(where.sessionFile, { issuer: ISSUER, clientId: 'tessera-cli', refreshToken: 'tsr_0', scope: '', accessTokenFile: where.bearerTokenFile, accessTokenExpiresAt: '' });
  await writeBearerToken(where.bearerTokenFile, accessToken);
  const issuer = singleUseIssuer('tsr_0');
  const ctx: CliContext = {
    env: {},
    platform: 'linux',
    term: terminal(new PassThrough(), new PassThrough(), {}),
    locations: where,
    now: () => new Date(),
    issuerSettings: async () => undefined,
    oauth: async () => issuer as unknown as OAuthClient,
    authApi: () => assert.fail('no API here'),
    interruption: () => new AbortController().signal,
  };
  return { ctx, issuer, where };
}

describe('freshAccessToken', () => {
  test('a token that lives long enough is returned as it is', async () => {
    const { ctx, issuer } = await setUp('valid', tokenFor(20));
    const fresh = await freshAccessToken(ctx, { issuer: undefined, minLifetimeMs: MINUTE });
    assert.equal(fresh.refreshed, false);
    assert.equal(issuer.refreshes, 0);
  });

  test('five concurrent callers that all find it too short refresh once and share the result', async () => {
    const { ctx, issuer, where } = await setUp('concurrent', tokenFor(20));
    const results = await Promise.all(Array.from({ length: 5 }, () => freshAccessToken(ctx, { issuer: undefined, minLifetimeMs: 60 * MINUTE })));
    assert.equal(issuer.refreshes, 1);
    assert.equal(new Set(results.map((r) => r.token)).size, 1);
    assert.equal((await readSession(where.sessionFile))?.refreshToken, 'tsr_1');
  });

  test('a token of another issuer in the shared location is not taken', async () => {
    const { ctx, issuer } = await setUp('foreign', tokenFor(60, 'https://other.example'));
    const fresh = await freshAccessToken(ctx, { issuer: undefined, minLifetimeMs: MINUTE });
    assert.equal(fresh.refreshed, true);
    assert.equal(issuer.refreshes, 1);
  });

  test('BEARER_TOKEN wins and is never refreshed', async () => {
    const { ctx, issuer } = await setUp('env', tokenFor(0));
    const fresh = await freshAccessToken({ ...ctx, env: { BEARER_TOKEN: ' given\n' } }, { issuer: undefined, minLifetimeMs: MINUTE });
    assert.equal(fresh.token, 'given');
    assert.equal(issuer.refreshes, 0);
  });

  test('an explicit issuer other than the session\u2019s is "not logged in" (exit 4)', async () => {
    const { ctx } = await setUp('other-issuer', tokenFor(20));
    const asked = { ...ctx, issuerSettings: async () => ({ issuer: 'https://other.example', clientId: 'tessera-cli', explicit: true }) };
    await assert.rejects(freshAccessToken(asked, { issuer: undefined, minLifetimeMs: MINUTE }), (e: CliError) => e.exitCode === ExitCode.notLoggedIn);
  });
});
