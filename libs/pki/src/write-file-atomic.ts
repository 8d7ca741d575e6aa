import { randomBytes } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/**
 * Writes beside the target and renames over it, so a reader (an app reloading its certificate)
 * sees the old file or the new one, never half of one. The temporary file is created with `mode`
 * from the start, so a private key is never readable by others, not even for a moment.
 */
export async function writeFileAtomic(path: string, data: string, mode: number): Promise<void> {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const handle = await open(temp, 'wx', mode);
    try {
      await handle.writeFile(data, 'utf8');
      await handle.chmod(mode); // open's mode is filtered by the umask; the result must be exact
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}
