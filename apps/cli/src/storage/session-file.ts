import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { CliError } from '../cli-error.js';
import { ExitCode } from '../exit-codes.js';
import type { IssuerMetadata } from '../oauth/tessera-oauth.js';
import { readPrivateFile, removeFile, writePrivateFile } from './private-file.js';

/** A login at an issuer: what `tessera token` needs to refresh, and what it may show. */
export interface StoredSession {
  readonly issuer: string;
  readonly clientId: string;
  /** Single use at Tessera: every refresh rotates it, and presenting a rotated one again ends
   * the session. Hence the lock below. */
  readonly refreshToken: string;
  readonly scope: string;
  /** Where the access token of this session was written, so logout removes that file. */
  readonly accessTokenFile: string;
  /** ISO 8601. */
  readonly accessTokenExpiresAt: string;
  /** The issuer's discovered metadata, reused for a day (refreshes need no discovery). */
  readonly issuerMetadata?: IssuerMetadata;
}

const VERSION = 1;

export async function readSession(path: string): Promise<StoredSession | undefined> {
  const text = await readPrivateFile(path);
  if (text === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new CliError(ExitCode.notLoggedIn, `${path} is not a session file`, { hint: 'run tessera login' });
  }
  const { version, ...session } = parsed as StoredSession & { version?: number };
  if (version !== VERSION || typeof session.refreshToken !== 'string' || typeof session.issuer !== 'string') {
    throw new CliError(ExitCode.notLoggedIn, `${path} is not a session file of this version of tessera`, { hint: 'run tessera login' });
  }
  return session;
}

export async function writeSession(path: string, session: StoredSession): Promise<void> {
  await writePrivateFile(path, `${JSON.stringify({ version: VERSION, ...session }, null, 2)}\n`, { createDir: true });
}

export async function removeSession(path: string): Promise<boolean> {
  return removeFile(path);
}

/**
 * Runs `work` holding the session's exclusive lock (a `session.json.lock` directory, proper-lockfile).
 * Who may change the session file: login, a refresh and logout, each only under this lock, and
 * each re-reads the file once it holds the lock, because another process may have just rotated
 * the refresh token. A lock left by a killed process is taken over once stale (10 s unrefreshed).
 */
export async function withSessionLock<T>(path: string, work: () => Promise<T>, options: { onWait?: () => void } = {}): Promise<T> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  // Loaded here: `tessera token` with a valid token never locks.
  const { default: lockfile } = await import('proper-lockfile');
  const lock = (retries: number | object) => lockfile.lock(path, { realpath: false, stale: 10_000, retries });
  let release: () => Promise<void>;
  try {
    release = await lock(0).catch(async (error: NodeJS.ErrnoException) => {
      if (error.code !== 'ELOCKED') throw error;
      options.onWait?.();
      return lock({ retries: 60, factor: 1.3, minTimeout: 20, maxTimeout: 500 });
    });
  } catch (error) {
    throw new CliError(ExitCode.failure, `another tessera process holds ${path}.lock`, { cause: error, hint: 'try again; remove the lock directory if no tessera is running' });
  }
  try {
    return await work();
  } finally {
    await release();
  }
}
