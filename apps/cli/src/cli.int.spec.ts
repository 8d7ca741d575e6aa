// `tessera` as users and batch systems run it (bin/tessera.cjs and the single-file build),
// against the real stack in processes: device login approved through dev-idp in Chromium and in
// a pseudo terminal, WLCG token files, refresh under a lock, the Connect API, logout by
// revocation (upstream too), and the exit code of each failure.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Browser } from 'playwright-core';
import lockfile from 'proper-lockfile';
import { freePort, launchChromium, startPseudoTerminal } from '@tessera/testing';
import { ExitCode } from './exit-codes.js';
import { approveDevice } from './testing/approve-device.js';
import { approveInChromium } from './testing/chromium-approve.js';
import { cliHome, runCli, spawnCli, startCliStack, TESSERA_BIN, type CliHome, type CliStack } from './testing/cli-stack.js';

let stack: CliStack;
let home: CliHome;
let chromium: Browser;

before(async () => {
  stack = await startCliStack();
  home = cliHome(stack.issuer);
  chromium = await launchChromium();
});
after(async () => {
  await chromium?.close();
  home?.remove();
  await stack?.close();
});

const claimsOf = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
const refreshTokenIn = (file: string) => (JSON.parse(readFileSync(file, 'utf8')) as { refreshToken: string }).refreshToken;

/** `tessera login --no-browser …` approved (or denied) in the form browser as `user`; the CLI's result and the last page. */
async function login(user: string, args: string[], env = home.env, decision: 'approve' | 'deny' = 'approve') {
  const cli = spawnCli(['login', '--no-browser', ...args], env);
  const [, url] = await cli.waitForStderr(/or open (\S+)/);
  const page = await approveDevice(url!, user, decision);
  return { ...(await cli.done), page };
}

/** Waits until dev-idp has been asked to revoke a token since `since` (tokenmanager's outbox). */
async function revokedUpstreamSince(since: number): Promise<boolean> {
  for (let i = 0; i < 100; i++) {
    if (stack.idp.requests.some((r) => r.at >= since && r.method === 'POST' && r.path.startsWith('/token/revocation'))) return true;
    await sleep(100);
  }
  return false;
}

describe('tessera', () => {
  test('login: bob types the user code in Chromium while the CLI polls; the tokens are written, each mode 0600', async () => {
    const cli = spawnCli(['login', '--group', 'dirac_user'], home.env);
    const [, verificationUri, userCode] = await cli.waitForStderr(/open (\S+) and enter the code ([A-Z]{4}-[A-Z]{4})/);
    assert.equal(await approveInChromium(chromium, verificationUri!, userCode!, 'bob'), 'Your device is connected');
    const result = await cli.done;
    assert.equal(result.code, ExitCode.ok, result.stderr);
    assert.doesNotMatch(result.stderr, /opened in your browser/, 'no display: no browser is opened');
    assert.match(result.stdout, /^Logged in to http:\/\/127\.0\.0\.1:\d+ as bob in dirac_user; access token in .*bt_u\d+, expires in 20 min\n$/);
    for (const file of [home.bearerTokenFile, home.sessionFile]) assert.equal(statSync(file).mode & 0o777, 0o600, file);
    const claims = claimsOf(readFileSync(home.bearerTokenFile, 'utf8').trim());
    assert.equal(claims.sub, 'bob');
    assert.equal(claims.group, 'dirac_user');
    assert.match(refreshTokenIn(home.sessionFile), /^tsr_/);
  });

  test('login opens the browser where there is a display, at the address with the code in it', async () => {
    const other = cliHome(stack.issuer);
    try {
      // The xdg-open a desktop has, handing the address to the browser (here: to the test).
      const bin = join(other.dir, 'bin');
      mkdirSync(bin);
      writeFileSync(join(bin, 'xdg-open'), `#!/bin/sh\nprintf '%s' "$1" > '${join(other.dir, 'opened')}'\n`, { mode: 0o755 });
      const cli = spawnCli(['login'], { ...other.env, PATH: `${bin}:${other.env.PATH}`, DISPLAY: ':0' });
      await cli.waitForStderr(/\(opened in your browser\)/);
      let opened = '';
      for (let i = 0; i < 50 && !opened; i++, await sleep(100)) opened = existsSync(join(other.dir, 'opened')) ? readFileSync(join(other.dir, 'opened'), 'utf8') : '';
      assert.match(opened, /^http:\/\/127\.0\.0\.1:\d+\/device\?user_code=[A-Z]{4}-[A-Z]{4}$/);
      assert.equal(await approveInChromium(chromium, opened, undefined, 'bob'), 'Your device is connected');
      const result = await cli.done;
      assert.equal(result.code, ExitCode.ok, result.stderr);
      assert.match(result.stdout, /as bob in dirac_user/);
    } finally {
      other.remove();
    }
  });

  test('token prints the stored token while it lives long enough, without a refresh', async () => {
    const refreshes = await stack.refreshes();
    const result = await runCli(['token'], home.env);
    assert.equal(result.code, ExitCode.ok, result.stderr);
    assert.equal(result.stdout, readFileSync(home.bearerTokenFile, 'utf8'));
    assert.equal(await stack.refreshes(), refreshes);
    const fromEnv = await runCli(['token'], { ...home.env, BEARER_TOKEN: 'given' });
    assert.equal(fromEnv.stdout, 'given\n');
  });

  test('two concurrent `token --min-lifetime 1h` refresh exactly once, and the rotated refresh token works', async () => {
    const refreshes = await stack.refreshes();
    const before = refreshTokenIn(home.sessionFile);
    // Both must have found the token too short before either refreshes: the test holds the
    // session lock until both wait for it (a later, sequential call refreshes again, by design).
    const release = await lockfile.lock(home.sessionFile, { realpath: false });
    const runs = [spawnCli(['token', '--min-lifetime', '1h'], home.env), spawnCli(['token', '--min-lifetime', '1h'], home.env)];
    await Promise.all(runs.map((r) => r.waitForStderr(/waiting for another tessera process/)));
    await release();
    const results = await Promise.all(runs.map((r) => r.done));
    for (const r of results) assert.equal(r.code, ExitCode.ok, r.stderr);
    assert.equal(await stack.refreshes(), refreshes + 1);
    const rotated = refreshTokenIn(home.sessionFile);
    assert.notEqual(rotated, before);
    const printed = results.map((r) => r.stdout);
    assert.equal(printed[0], printed[1]);
    assert.equal(printed[0], readFileSync(home.bearerTokenFile, 'utf8'));
    assert.equal(claimsOf(printed[0]!.trim()).sub, 'bob');
    // Had the second process refreshed with the original refresh token, the session would have
    // ended (reuse detection); the rotated one still refreshes.
    const again = await runCli(['token', '--min-lifetime', '1h'], home.env);
    assert.equal(again.code, ExitCode.ok, again.stderr);
    assert.equal(await stack.refreshes(), refreshes + 2);
    assert.notEqual(refreshTokenIn(home.sessionFile), rotated);
  });

  test('tokens lists the IdP token the platform holds; sessions lists this login, marked current', async () => {
    const tokens = await runCli(['tokens', '--json'], home.env);
    assert.equal(tokens.code, ExitCode.ok, tokens.stderr);
    assert.deepEqual((JSON.parse(tokens.stdout) as { provider: string; subject: string }[]).map((t) => [t.provider, t.subject]), [['dev-idp', 'bob']]);
    const human = await runCli(['tokens'], { ...home.env, NO_COLOR: '1' });
    assert.match(human.stdout, /^PROVIDER +SUBJECT +LOGIN NEEDED +LAST USED +SCOPES$/m);
    assert.match(human.stdout, /^dev-idp +bob +in /m);
    const sessions = await runCli(['sessions', '--json'], home.env);
    assert.equal(sessions.code, ExitCode.ok, sessions.stderr);
    const list = JSON.parse(sessions.stdout) as { current: boolean; state: string; clientId: string }[];
    assert.equal(list.filter((s) => s.current).length, 1);
    assert.ok(list.every((s) => s.state === 'active' && s.clientId === 'tessera-cli'));
    const unknown = await runCli(['sessions', 'revoke', 'no-such-session'], home.env);
    assert.equal(unknown.code, ExitCode.usage, 'a session that is not yours is not found');
    assert.match(unknown.stderr, /no session no-such-session/);
  });

  test('whoami asks the Connect API: JSON for scripts, an aligned table for people', async () => {
    const json = await runCli(['whoami', '--json'], home.env);
    assert.equal(json.code, ExitCode.ok, json.stderr);
    const me = JSON.parse(json.stdout) as Record<string, unknown>;
    assert.equal(me.userId, 'bob');
    assert.equal(me.group, 'dirac_user');
    assert.equal(me.issuer, stack.issuer);
    assert.equal(me.clientId, 'tessera-cli');
    const human = await runCli(['whoami'], { ...home.env, NO_COLOR: '1' });
    assert.equal(human.code, ExitCode.ok, human.stderr);
    const rows = human.stdout.trimEnd().split('\n');
    const column = rows[0]!.indexOf('bob');
    assert.deepEqual(rows.map((r) => /^\S+( \S+)? +/.exec(r)?.[0].length), rows.map(() => column), 'values aligned in one column');
    assert.match(human.stdout, /^user +bob$/m);
    assert.match(human.stdout, /^expires +in (19|20) min \(/m);
    assert.doesNotMatch(human.stdout, /\x1b\[/);
  });

  test('a refresh uses the metadata discovered at login: the token endpoint only, no discovery', async () => {
    const since = Date.now();
    const result = await runCli(['token', '--min-lifetime', '1h'], home.env);
    assert.equal(result.code, ExitCode.ok, result.stderr);
    const asked = stack.issuerRequests.requests.filter((r) => r.at >= since).map((r) => `${r.method} ${r.path}`);
    assert.deepEqual(asked, ['POST /token']);
  });

  test('a refresh whose answer a gateway lost (502 after the rotation) is retried at once and the session lives on', async () => {
    const refreshes = await stack.refreshes();
    stack.issuerRequests.setFault({ kind: 'lose-answer', status: 502 }, { pathPrefix: '/token', times: 1 });
    const result = await runCli(['token', '--min-lifetime', '1h'], home.env);
    assert.equal(result.code, ExitCode.ok, result.stderr);
    assert.match(result.stderr, /unavailable \(it answered HTTP 502\); trying once more/);
    assert.equal(await stack.refreshes(), refreshes + 2, 'the lost rotation and the retry, within the grace for a lost answer');
    const again = await runCli(['token', '--min-lifetime', '1h'], home.env);
    assert.equal(again.code, ExitCode.ok, 'the retried refresh token was not taken for reuse');
  });

  test('an issuer answering 503 twice to a refresh is exit 3, and the refresh token is kept', async () => {
    const before = refreshTokenIn(home.sessionFile);
    stack.issuerRequests.setFault({ kind: 'status', status: 503, body: 'upstream connect error' }, { pathPrefix: '/token', times: 2 });
    const failed = await runCli(['token', '--min-lifetime', '1h'], home.env);
    assert.equal(failed.code, ExitCode.issuerUnreachable, failed.stderr);
    assert.match(failed.stderr, /tessera: the issuer \S+ is unavailable \(it answered HTTP 503\); try again later\n$/);
    assert.equal(refreshTokenIn(home.sessionFile), before);
    const retried = await runCli(['token', '--min-lifetime', '1h'], home.env);
    assert.equal(retried.code, ExitCode.ok, retried.stderr);
  });

  test('the sources through tsx (TESSERA_CLI_SOURCE=1) print what the single-file build prints', async () => {
    const built = await runCli(['token', '--json'], home.env);
    const sources = await runCli(['token', '--json'], { ...home.env, TESSERA_CLI_SOURCE: '1' });
    assert.equal(sources.code, ExitCode.ok, sources.stderr);
    assert.equal(sources.stdout, built.stdout);
  });

  test('a second login replaces the session and ends the previous one at the issuer', async () => {
    const kept = `${home.dir}/session-before-second-login.json`;
    copyFileSync(home.sessionFile, kept);
    const result = await login('bob', ['--group', 'dirac_user']);
    assert.equal(result.code, ExitCode.ok, result.stderr);
    assert.doesNotMatch(result.stderr, /could not be ended/);
    const sessions = JSON.parse((await runCli(['sessions', '--json'], home.env)).stdout) as { current: boolean }[];
    const current = sessions.filter((s) => s.current);
    assert.equal(current.length, 1);
    const replaced = cliHome(stack.issuer);
    try {
      mkdirSync(dirname(replaced.sessionFile), { recursive: true, mode: 0o700 });
      copyFileSync(kept, replaced.sessionFile);
      const refused = await runCli(['token', '--min-lifetime', '1h'], replaced.env);
      assert.equal(refused.code, ExitCode.notLoggedIn, 'the replaced session no longer refreshes');
    } finally {
      replaced.remove();
    }
  });

  test('logout revokes the refresh token and removes both files', async () => {
    const kept = `${home.dir}/session-before-logout.json`;
    copyFileSync(home.sessionFile, kept);
    const result = await runCli(['logout'], home.env);
    assert.equal(result.code, ExitCode.ok, result.stderr);
    assert.match(result.stdout, /^Logged out of /);
    assert.equal(existsSync(home.sessionFile), false);
    assert.equal(existsSync(home.bearerTokenFile), false);
    assert.equal((await runCli(['token'], home.env)).code, ExitCode.notLoggedIn);
    // The revoked refresh token, put back, no longer refreshes.
    copyFileSync(kept, home.sessionFile);
    const refused = await runCli(['token', '--min-lifetime', '1h'], home.env);
    assert.equal(refused.code, ExitCode.notLoggedIn, refused.stderr);
    assert.match(refused.stderr, /run tessera login/);
  });

  test('logout --everywhere ends the session and has the IdP token revoked upstream', async () => {
    const other = cliHome(stack.issuer);
    try {
      assert.equal((await login('bob', [], other.env)).code, ExitCode.ok);
      const kept = `${other.dir}/session-before-logout.json`;
      copyFileSync(other.sessionFile, kept);
      const since = Date.now();
      const result = await runCli(['logout', '--everywhere', '--json'], other.env);
      assert.equal(result.code, ExitCode.ok, result.stderr);
      assert.deepEqual(JSON.parse(result.stdout), { loggedOut: true, issuer: stack.issuer, everywhere: true });
      assert.ok(await revokedUpstreamSince(since), 'tokenmanager revoked the IdP token at dev-idp');
      copyFileSync(kept, other.sessionFile);
      assert.equal((await runCli(['token', '--min-lifetime', '1h'], other.env)).code, ExitCode.notLoggedIn);
    } finally {
      other.remove();
    }
  });

  test('an issuer that does not answer is exit 3', async () => {
    const result = await runCli(['login', '--no-browser', '--issuer', `http://127.0.0.1:${await freePort()}`], home.env);
    assert.equal(result.code, ExitCode.issuerUnreachable, result.stderr);
    assert.match(result.stderr, /cannot reach the issuer .*ECONNREFUSED/);
  });

  test('Ctrl-C while waiting for approval cancels with 130 and touches no file', async () => {
    const other = cliHome(stack.issuer);
    try {
      const cli = spawnCli(['login', '--no-browser'], other.env);
      await cli.waitForStderr(/or open \S+/);
      cli.child.kill('SIGINT');
      const result = await cli.done;
      assert.equal(result.code, ExitCode.interrupted, result.stderr);
      assert.match(result.stderr, /login cancelled/);
      assert.equal(existsSync(other.sessionFile), false);
      assert.equal(existsSync(other.bearerTokenFile), false);
    } finally {
      other.remove();
    }
  });

  test('in a terminal, login shows the code, a QR code and a live waiting line, then the result', async () => {
    const other = cliHome(stack.issuer);
    const terminal = startPseudoTerminal([process.execPath, TESSERA_BIN, 'login', '--no-browser'], other.env);
    try {
      const shown = await terminal.waitForScreen(/Waiting for you to approve/);
      assert.match(shown, /To log in, open http:\S+\/device and enter the code [A-Z]{4}-[A-Z]{4}/);
      const qr = shown.split('\n').filter((row) => /^[█▀▄ ]{21,}$/.test(row.trimEnd()) && /[█▀▄]/.test(row));
      assert.ok(qr.length >= 10, `a QR code of block characters is drawn:\n${shown}`);
      const frame = () => /([⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]) Waiting for you to approve \(the code expires in (29|30) min\); Ctrl-C cancels/.exec(terminal.screen())?.[1];
      const frames = new Set<string>();
      for (let i = 0; i < 20 && frames.size < 2; i++, await sleep(150)) {
        const drawn = frame();
        if (drawn !== undefined) frames.add(drawn);
      }
      assert.ok(frames.size >= 2, 'the waiting line is alive');
      const complete = /or open (\S+)/.exec(shown)![1]!;
      await approveDevice(complete, 'bob');
      const done = await terminal.waitForScreen(/Logged in to/);
      assert.doesNotMatch(done, /Waiting for you to approve/, 'the waiting line is gone');
      assert.match(done, /as bob in dirac_user/);
      for (let i = 0; i < 100 && terminal.exitStatus() === undefined; i++) await sleep(100);
      assert.equal(terminal.exitStatus(), ExitCode.ok, `${terminal.processState()}\n${terminal.screen()}`);
    } finally {
      terminal.close();
      other.remove();
    }
  });

  test('the user denying the login is exit 5, and nothing is written', async () => {
    const other = cliHome(stack.issuer);
    try {
      const result = await login('bob', [], other.env, 'deny');
      assert.equal(result.code, ExitCode.accessDenied, result.stderr);
      assert.match(result.stderr, /access denied: the user denied the request/);
      assert.equal(existsSync(other.sessionFile), false);
      assert.equal(existsSync(other.bearerTokenFile), false);
    } finally {
      other.remove();
    }
  });

  test('a code not approved before it expires is exit 6, with the hint to log in again', async () => {
    const shortLived = await stack.startAuthserver({ TESSERA__APPS__AUTHSERVER__DEVICEFLOW__LIFETIME: '3s' });
    const other = cliHome(shortLived.issuer);
    try {
      const result = await runCli(['login', '--no-browser'], other.env);
      assert.equal(result.code, ExitCode.codeExpired, result.stderr);
      assert.match(result.stderr, /The code is valid for 3 s/);
      assert.match(result.stderr, /tessera: the login was not approved in time; run tessera login\n$/);
      assert.equal(existsSync(other.sessionFile), false);
    } finally {
      other.remove();
    }
  });

  test('login --group dirac_admin as bob, who is not a member, is exit 7', async () => {
    const other = cliHome(stack.issuer);
    try {
      const result = await login('bob', ['--group', 'dirac_admin'], other.env);
      assert.equal(result.page.status, 403);
      assert.match(result.page.html, /not a member of the group dirac_admin/);
      assert.equal(result.code, ExitCode.notAMember, result.stderr);
      assert.equal(existsSync(other.sessionFile), false);
    } finally {
      other.remove();
    }
  });
});
