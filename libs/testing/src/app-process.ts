import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { REPO_ROOT } from './test-config.js';

export interface AppProcess {
  readonly child: ChildProcess;
  /** Every JSON log line the app printed so far. */
  readonly logs: Record<string, unknown>[];
  /** The port of the first listener whose log message matches. */
  port(message: RegExp): number;
  /** SIGTERM, then the exit code. */
  stop(): Promise<number | null>;
}

/**
 * Runs an app as `npm start` does (its main.ts in its own process) and resolves once it logged
 * every message in `readyWhen`. Listen addresses are read back from its logs, so port 0 works.
 */
export async function startAppProcess(app: string, env: Record<string, string>, readyWhen: RegExp[], timeoutMs = 20_000): Promise<AppProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', `apps/${app}/src/main.ts`], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env, TESSERA__LOG__LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: Record<string, unknown>[] = [];
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${app} not ready after ${timeoutMs} ms: ${stderr}`)), timeoutMs);
    void exited.then((code) => reject(new Error(`${app} exited with ${code}: ${stderr}`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      try {
        logs.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        return;
      }
      if (readyWhen.every((re) => logs.some((l) => re.test(String(l.msg))))) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  return {
    child,
    logs,
    port(message) {
      const line = logs.find((l) => message.test(String(l.msg)));
      const address = String(line?.address ?? '');
      const port = typeof line?.port === 'number' ? line.port : Number(address.slice(address.lastIndexOf(':') + 1));
      if (!port) throw new Error(`${app} logged no address for ${message}`);
      return port;
    },
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}
