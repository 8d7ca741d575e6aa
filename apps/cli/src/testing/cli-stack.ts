import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestPki, freePort, REPO_ROOT, startAppProcess, startBackends, startFaultProxy, testEnv, type AppProcess, type FaultProxy } from '@tessera/testing';

export interface CliStack {
  /** The authserver as the CLI sees it: through a proxy that records every request. */
  readonly issuer: string;
  readonly authserver: AppProcess;
  /** Requests that reached the authserver (method and path only). */
  readonly issuerRequests: FaultProxy;
  /** dev-idp, behind a proxy that records its requests (the IdP tokens revoked upstream). */
  readonly idp: FaultProxy;
  /** How many refresh_token grants the authserver answered with tokens so far. */
  refreshes(): Promise<number>;
  /** A second authserver of the same stack, with a configuration of its own (e.g. codes that
   * expire within seconds); stopped with the stack. */
  startAuthserver(env: Record<string, string>): Promise<{ issuer: string }>;
  close(): Promise<void>;
}

/**
 * The real stack for the CLI's tests, each app in its own process as in production: dev-idp,
 * idp-gateway, tokenmanager and the authserver, polling every second; the authserver and dev-idp
 * each behind a recording proxy whose URL is their issuer. Builds the single-file CLI first:
 * the tests run `tessera` as users do, through bin/tessera.cjs.
 */
export async function startCliStack(): Promise<CliStack> {
  buildCli();
  const pki = await createTestPki();
  const front = await startFaultProxy('http://127.0.0.1:1');
  const issuer = front.url;
  const backends = await startBackends(pki, issuer);
  const metricsPort = await freePort();
  const authserverEnv = (env: Record<string, string>) =>
    testEnv(pki, { ...backends.env, ...backends.authserverEnv, TESSERA__APPS__AUTHSERVER__DEVICEFLOW__INTERVAL: '1s', ...env });
  const authserver = await startAppProcess('authserver', authserverEnv({ TESSERA__APPS__AUTHSERVER__METRICS: `127.0.0.1:${metricsPort}` }), [/^authserver listening$/]);
  front.setTarget(`http://127.0.0.1:${authserver.port(/^authserver listening$/)}`);
  const others: AppProcess[] = [];
  return {
    issuer,
    authserver,
    issuerRequests: front,
    idp: backends.idp,
    async refreshes() {
      const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
      const line = text.split('\n').find((l) => l.startsWith('authserver_oauth_requests_total{') && l.includes('grant_type="refresh_token"') && l.includes('outcome="ok"'));
      return line === undefined ? 0 : Number(line.slice(line.lastIndexOf(' ') + 1));
    },
    async startAuthserver(env) {
      const port = await freePort();
      const other = `http://127.0.0.1:${port}`;
      others.push(await startAppProcess('authserver', authserverEnv({ TESSERA__APPS__AUTHSERVER__ISSUER: other, TESSERA__APPS__AUTHSERVER__HTTP: `127.0.0.1:${port}`, ...env }), [/^authserver listening$/]));
      return { issuer: other };
    },
    async close() {
      await Promise.all([...others, authserver].map((app) => app.stop()));
      await Promise.all([backends.stop(), front.close()]);
      pki.remove();
    },
  };
}

/** apps/cli/build.mjs: dist/tessera.cjs and its code cache, from the sources as they are now. */
export function buildCli(): void {
  execFileSync(process.execPath, [join(REPO_ROOT, 'apps/cli/build.mjs')], { stdio: ['ignore', 'inherit', 'inherit'] });
}

export const TESSERA_BIN = join(REPO_ROOT, 'apps/cli/bin/tessera.cjs');

/** A user's home for the CLI: its own config, state and runtime directories, nothing inherited. */
export interface CliHome {
  readonly dir: string;
  readonly env: Record<string, string>;
  readonly sessionFile: string;
  readonly bearerTokenFile: string;
  remove(): void;
}

export function cliHome(issuer: string): CliHome {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-cli-'));
  for (const sub of ['config', 'state', 'run']) mkdirSync(join(dir, sub), { mode: 0o700 });
  const env = { PATH: process.env.PATH ?? '', HOME: dir, XDG_CONFIG_HOME: join(dir, 'config'), XDG_STATE_HOME: join(dir, 'state'), XDG_RUNTIME_DIR: join(dir, 'run'), TESSERA_ISSUER: issuer };
  return {
    dir,
    env,
    sessionFile: join(dir, 'state', 'tessera', 'session.json'),
    bearerTokenFile: join(dir, 'run', `bt_u${process.getuid?.() ?? 0}`),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export interface CliRun {
  readonly child: ChildProcess;
  /** Resolves with the first match of `pattern` in stderr. */
  waitForStderr(pattern: RegExp): Promise<RegExpMatchArray>;
  readonly done: Promise<{ code: number | null; stdout: string; stderr: string }>;
}

/** `tessera <args>` as a user runs it, in its own process: bin/tessera.cjs, which runs the
 * single-file build (or, with TESSERA_CLI_SOURCE=1 in `env`, the sources through tsx). */
export function spawnCli(args: string[], env: Record<string, string>): CliRun {
  const child = spawn(process.execPath, [TESSERA_BIN, ...args], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const waiters: { pattern: RegExp; resolve: (m: RegExpMatchArray) => void }[] = [];
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => {
    stderr += d;
    for (const w of [...waiters]) {
      const match = w.pattern.exec(stderr);
      if (match) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(match);
      }
    }
  });
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
  return {
    child,
    done,
    waitForStderr(pattern) {
      const match = pattern.exec(stderr);
      if (match) return Promise.resolve(match);
      return new Promise((resolve, reject) => {
        waiters.push({ pattern, resolve });
        void done.then(() => reject(new Error(`tessera ${args.join(' ')} exited without printing ${pattern}:\n${stderr}`)));
      });
    },
  };
}

export const runCli = (args: string[], env: Record<string, string>) => spawnCli(args, env).done;
