import { writePrivateFile, readPrivateFile } from './private-file.js';

/** An access token found where WLCG Bearer Token Discovery looks, and where it was found. */
export interface FoundBearerToken {
  readonly token: string;
  /** The file, or undefined when it came from `BEARER_TOKEN`. */
  readonly path: string | undefined;
}

/** `BEARER_TOKEN` wins; then the first candidate file that exists (its content, trimmed). */
export async function findBearerToken(env: NodeJS.ProcessEnv, candidates: readonly string[]): Promise<FoundBearerToken | undefined> {
  const fromEnv = env.BEARER_TOKEN?.trim();
  if (fromEnv) return { token: fromEnv, path: undefined };
  for (const path of candidates) {
    const token = (await readPrivateFile(path))?.trim();
    if (token) return { token, path };
  }
  return undefined;
}

/** The token and a newline, as other WLCG tools write it; atomically, mode 0600. */
export async function writeBearerToken(path: string, token: string): Promise<void> {
  await writePrivateFile(path, `${token}\n`);
}
