import { stat } from 'node:fs/promises';
import type { CliContext } from '../cli-context.js';
import { peekClaims } from '../oauth/access-token-claims.js';
import { readPrivateFile, removeFile } from '../storage/private-file.js';
import type { StoredSession } from '../storage/session-file.js';

/**
 * Ends `session` at its issuer: RFC 7009 revocation of its refresh token, which ends the session
 * there (with `everywhere`, Tessera's `delete_idp_tokens=true`: all the user's sessions and the
 * IdP tokens the platform holds). The caller holds the session lock.
 */
export async function revokeSession(ctx: CliContext, session: StoredSession, options: { everywhere: boolean }): Promise<void> {
  await (await ctx.oauth(session)).revoke(session.refreshToken, options);
}

/**
 * Removes the session's access token file, unless it holds another issuer's token by now (the
 * WLCG location is shared with other tools), or, with `keep`, it is that file (by inode: one file
 * may go by two names) or holds that token.
 */
export async function removeAccessTokenFile(session: StoredSession, options: { keep?: { path: string; token: string } } = {}): Promise<void> {
  const { keep } = options;
  if (keep && (await sameFile(session.accessTokenFile, keep.path))) return;
  const token = (await readPrivateFile(session.accessTokenFile).catch(() => undefined))?.trim();
  if (token === undefined || peekClaims(token)?.iss !== session.issuer || token === keep?.token) return;
  await removeFile(session.accessTokenFile);
}

async function sameFile(a: string, b: string): Promise<boolean> {
  const [x, y] = await Promise.all([stat(a).catch(() => undefined), stat(b).catch(() => undefined)]);
  return x !== undefined && y !== undefined && x.dev === y.dev && x.ino === y.ino;
}
