import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';

/** A command running in a real pseudo terminal (a detached tmux session), and its screen. */
export interface PseudoTerminal {
  /** What the terminal shows now, one string per row, colours dropped. */
  screen(): string;
  /** The screen once `pattern` matches it (polled every 100 ms); fails with the screen after `timeoutMs`. */
  waitForScreen(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** Keys as tmux names them, e.g. 'C-c'. */
  sendKeys(...keys: string[]): void;
  /** The command's exit status once it ended (128 + n when signal n killed it; the screen stays
   * to read), else undefined. */
  exitStatus(): number | undefined;
  /** The command's process as /proc shows it (state, what it waits in), for a failure message. */
  processState(): string;
  close(): void;
}

const TMUX = process.env.TMUX_PATH ?? '/usr/bin/tmux';

function readProc(pid: string, file: string): string {
  try {
    return readFileSync(`/proc/${pid}/${file}`, 'utf8').trim();
  } catch (error) {
    return (error as Error).message;
  }
}

/**
 * Starts `argv` in a terminal of `columns`×`rows` with exactly `env` (and TERM=xterm-256color),
 * on a tmux server of its own (its own socket), so nothing of the user's tmux is touched. Needs
 * tmux (the Debian package tmux; tools/test-packages.mjs installs it for files that call this).
 */
export function startPseudoTerminal(argv: string[], env: Record<string, string>, size: { columns: number; rows: number } = { columns: 120, rows: 60 }): PseudoTerminal {
  const socket = `tessera-test-${randomUUID()}`;
  const tmux = (...args: string[]) => execFileSync(TMUX, ['-L', socket, '-f', '/dev/null', ...args], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '', TMUX_TMPDIR: process.env.TMUX_TMPDIR ?? '/tmp' } });
  // tmux ends a command at an argument that ends in `;` unless it is escaped as `\;`.
  const literal = (word: string) => (word.endsWith(';') ? `${word.slice(0, -1)}\\;` : word);
  const assignments = Object.entries({ ...env, TERM: 'xterm-256color' }).map(([k, v]) => literal(`${k}=${v}`));
  // The command as argv (no shell, so no quoting), under `env -i` so that it sees only `env`;
  // remain-on-exit set in the same call, before a command that ends at once could take the
  // session down with it, keeps the last screen and the exit status.
  tmux('new-session', '-d', '-s', 'test', '-x', String(size.columns), '-y', String(size.rows), 'env', '-i', ...assignments, ...argv.map(literal), ';', 'set-option', '-t', 'test', 'remain-on-exit', 'on');
  const screen = () => tmux('capture-pane', '-p', '-t', 'test');
  const panePid = () => tmux('display-message', '-p', '-t', 'test', '#{pane_pid}').trim();
  /** As a shell tells it: the exit status, or 128 + the signal that killed it. */
  const exitStatus = () => {
    const [dead, status, signal] = tmux('display-message', '-p', '-t', 'test', '#{pane_dead}|#{pane_dead_status}|#{pane_dead_signal}').trim().split('|');
    if (dead === '1' && status) return Number(status);
    if (dead === '1' && signal) return 128 + Number(signal);
    // tmux may leave an exited command unreaped for seconds; Linux tells a zombie's exit status
    // (proc(5): the 52nd field of stat, as waitpid(2) reports it).
    const stat = readProc(panePid(), 'stat');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (fields[0] !== 'Z') return undefined;
    const waited = Number(fields[49]);
    return waited & 0x7f ? 128 + (waited & 0x7f) : (waited >> 8) & 0xff;
  };
  const processState = () => {
    const pid = panePid();
    const status = readProc(pid, 'status').split('\n').filter((l) => /^(State|PPid|Threads)/.test(l)).join(', ');
    return `pid ${pid}: ${status}, waiting in ${readProc(pid, 'wchan')}`;
  };
  return {
    screen,
    processState,
    async waitForScreen(pattern, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const now = screen();
        if (pattern.test(now)) return now;
        if (Date.now() > deadline) throw new Error(`the terminal did not show ${pattern} within ${timeoutMs} ms; it shows:\n${now}`);
        await sleep(100);
      }
    },
    sendKeys: (...keys) => void tmux('send-keys', '-t', 'test', ...keys),
    exitStatus,
    close() {
      try {
        tmux('kill-server');
      } catch {
        // already gone
      }
    },
  };
}
