import { CliError } from '../cli-error.js';
import type { CliContext } from '../cli-context.js';
import { ExitCode } from '../exit-codes.js';
import { expiryOf } from '../oauth/access-token-claims.js';
import type { IssuedTokens, IssuerMetadata } from '../oauth/tessera-oauth.js';
import { writeBearerToken } from '../storage/bearer-token-file.js';
import { writeSession, type StoredSession } from '../storage/session-file.js';

/**
 * Keeps what the issuer just issued: the session file first, then the access token. In that order
 * a crash between the two leaves the rotated refresh token kept and an old access token, which
 * the next `tessera token` refreshes; the other order could lose the only valid refresh token.
 * The caller holds the session lock.
 */
export async function storeTokens(ctx: CliContext, settings: { issuer: string; clientId: string }, tokens: IssuedTokens, issuerMetadata: IssuerMetadata): Promise<StoredSession> {
  if (tokens.refreshToken === undefined) throw new CliError(ExitCode.failure, 'the issuer sent no refresh token (is offline_access allowed for this client?)');
  const expiresAt = expiryOf(tokens.accessToken) ?? new Date(ctx.now().getTime() + (tokens.expiresIn ?? 0));
  const session: StoredSession = {
    issuer: settings.issuer,
    clientId: settings.clientId,
    refreshToken: tokens.refreshToken,
    scope: tokens.scope ?? '',
    accessTokenFile: ctx.locations.bearerTokenFile,
    accessTokenExpiresAt: expiresAt.toISOString(),
    issuerMetadata,
  };
  await writeSession(ctx.locations.sessionFile, session);
  await writeBearerToken(session.accessTokenFile, tokens.accessToken);
  return session;
}
