import { mkdir, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { CliError } from '../cli-error.js';
import { ExitCode } from '../exit-codes.js';

/**
 * Replaces `path` with `data`, readable by the owner only, so that a reader sees the old content
 * or the new, never a part: a temporary file in the same directory (O_EXCL, so a planted symlink
 * is never followed), fsync, rename over the target, fsync of the directory for the rename.
 */
export async function writePrivateFile(path: string, data: string, options: { createDir?: boolean } = {}): Promise<void> {
  const dir = dirname(path);
  if (options.createDir) await mkdir(dir, { recursive: true, mode: 0o700 });
  // Web Crypto's global, not node:crypto, whose loading costs every `tessera token` start-up time.
  const temporary = join(dir, `.${basename(path)}.${Buffer.from(crypto.getRandomValues(new Uint8Array(6))).toString('hex')}.tmp`);
  const file = await open(temporary, 'wx', 0o600);
  try {
    await file.chmod(0o600);
    await file.writeFile(data);
    await file.sync();
  } catch (error) {
    await file.close();
    await rm(temporary, { force: true });
    throw error;
  }
  await file.close();
  try {
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
  const directory = await open(dir, 'r');
  try {
    await directory.sync();
  } finally {
    await directory.close();
  }
}

/**
 * The content of `path`, or undefined when there is none. A file that is not a regular file of
 * this user is refused: in /tmp anybody may have put it there.
 */
export async function readPrivateFile(path: string): Promise<string | undefined> {
  let file;
  try {
    file = await open(path, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    const stat = await file.stat();
    if (!stat.isFile() || (process.getuid && stat.uid !== process.getuid())) {
      throw new CliError(ExitCode.failure, `${path} is not a file of yours; remove it`);
    }
    return await file.readFile('utf8');
  } finally {
    await file.close();
  }
}

export async function removeFile(path: string): Promise<boolean> {
  try {
    await rm(path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}
