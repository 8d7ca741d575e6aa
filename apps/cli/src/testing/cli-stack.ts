import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestPki, freePort, REPO_ROOT, startAppProcess, testEnv, type AppProcess } from '@tessera/testing';

export interface CliStack {
  readonly issuer: string;
  readonly authserver: AppProcess;
  /** How many refresh_token grants the authserver answered with tokens so far. */
  refreshes(): Promise<number>;
  close(): Promise<void>;
}

/**
 * The real stack for the CLI's tests, each app in its own process as in production: dev-idp,
 * idp-gateway, tokenmanager and the authserver on a port chosen first (the issuer must be known
 * before anything starts), polling every second.
 */
export async function startCliStack(): Promise<CliStack> {
  const pki = await createTestPki();
  const [port, metricsPort, idpPort] = [await freePort(), await freePort(), await freePort()];
  const issuer = `http://127.0.0.1:${port}`;
  const idp = `http://127.0.0.1:${idpPort}`;
  const base = { TESSERA__IDPS__DEV_IDP__ISSUER: idp, TESSERA__APPS__AUTHSERVER__ISSUER: issuer, TESSERA__APPS__TOKENMANAGER__USERTOKENS__ISSUER: issuer };
  const devIdp = await startAppProcess('dev-idp', { ...base, TESSERA__APPS__DEVIDP__HTTP: `127.0.0.1:${idpPort}`, TESSERA__APPS__DEVIDP__ISSUER: idp }, [/^dev-idp listening$/]);
  const gateway = await startAppProcess('idp-gateway', testEnv(pki, base), [/^gRPC server listening$/]);
  const gatewayAddress = `127.0.0.1:${gateway.port(/^gRPC server listening$/)}`;
  const tokenmanager = await startAppProcess('tokenmanager', testEnv(pki, { ...base, TESSERA__APPS__TOKENMANAGER__IDPGATEWAY__ADDRESS: gatewayAddress }), [/^gRPC server listening$/]);
  const authserver = await startAppProcess(
    'authserver',
    testEnv(pki, {
      ...base,
      TESSERA__APPS__AUTHSERVER__HTTP: `127.0.0.1:${port}`,
      TESSERA__APPS__AUTHSERVER__METRICS: `127.0.0.1:${metricsPort}`,
      TESSERA__APPS__AUTHSERVER__TOKENMANAGER__ADDRESS: `127.0.0.1:${tokenmanager.port(/^gRPC server listening$/)}`,
      TESSERA__APPS__AUTHSERVER__IDPGATEWAY__ADDRESS: gatewayAddress,
      TESSERA__APPS__AUTHSERVER__DEVICEFLOW__INTERVAL: '1s',
    }),
    [/^authserver listening$/],
  );
  return {
    issuer,
    authserver,
    async refreshes() {
      const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
      const line = text.split('\n').find((l) => l.startsWith('authserver_oauth_requests_total{') && l.includes('grant_type="refresh_token"') && l.includes('outcome="ok"'));
      return line === undefined ? 0 : Number(line.slice(line.lastIndexOf(' ') + 1));
    },
    async close() {
      await Promise.all([authserver.stop(), tokenmanager.stop(), gateway.stop(), devIdp.stop()]);
      pki.remove();
    },
  };
}

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

/** `tessera <args>` as a user runs it, in its own process (main.ts through tsx). */
export function spawnCli(args: string[], env: Record<string, string>): CliRun {
  const child = spawn(process.execPath, ['--import', 'tsx', 'apps/cli/src/main.ts', ...args], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
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
