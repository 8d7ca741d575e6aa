import { isAbsolute, resolve } from 'node:path';
import { z } from 'zod';

/*
 * Relative paths in the configuration are resolved against a base directory chosen by whoever
 * loads it (loadConfig's `baseDir`, default process.cwd()). zod gives transforms no caller
 * context, so the base is held here for the duration of one synchronous parse; synchronous
 * means no other parse can interleave, and the previous value is restored for nesting.
 */
let currentBaseDir: string | undefined;

export function withBaseDir<T>(baseDir: string, parse: () => T): T {
  const previous = currentBaseDir;
  currentBaseDir = resolve(baseDir);
  try {
    return parse();
  } finally {
    currentBaseDir = previous;
  }
}

/** Resolves a path from the configuration against the current base directory. */
export function resolveConfigPath(path: string): string {
  return isAbsolute(path) ? path : resolve(currentBaseDir ?? process.cwd(), path);
}

/** A file path in the configuration → an absolute path. Existence is checked by the user. */
export const filePath = z
  .string()
  .min(1, { error: 'expected a file path, got an empty string' })
  .transform(resolveConfigPath);
