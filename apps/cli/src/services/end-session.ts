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

/** Removes the session's access token file, unless it holds another issuer's token by now: the
 * WLCG location is shared with other tools. */
export async function removeAccessTokenFile(session: StoredSession): Promise<void> {
  const token = (await readPrivateFile(session.accessTokenFile).catch(() => undefined))?.trim();
  if (token !== undefined && peekClaims(token)?.iss === session.issuer) await removeFile(session.accessTokenFile);
}
