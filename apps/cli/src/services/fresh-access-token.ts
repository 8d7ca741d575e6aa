import { CliError, RUN_LOGIN } from '../cli-error.js';
import type { CliContext } from '../cli-context.js';
import { ExitCode } from '../exit-codes.js';
import { expiryOf, peekClaims } from '../oauth/access-token-claims.js';
import { findBearerToken, type FoundBearerToken } from '../storage/bearer-token-file.js';
import { readSession, withSessionLock, type StoredSession } from '../storage/session-file.js';
import { storeTokens } from './store-tokens.js';

export interface FreshAccessToken {
  readonly token: string;
  /** Undefined for a token that does not say (BEARER_TOKEN may hold anything). */
  readonly expiresAt: Date | undefined;
  /** The issuer the token is from, when known. */
  readonly issuer: string | undefined;
  readonly refreshed: boolean;
}

/**
 * An access token that lives at least `minLifetimeMs` more, as `tessera token` prints it:
 * `BEARER_TOKEN` as it is; else the stored one, refreshed first when it would expire sooner.
 *
 * Concurrency: many processes may ask at once (a batch system runs thousands a day). The refresh
 * token is single use, so only the holder of the session lock refreshes, and it re-reads both
 * files once it holds the lock: if the refresh token changed meanwhile, another process has just
 * refreshed and its token is taken as it is (a second refresh could not make it live longer).
 */
export async function freshAccessToken(ctx: CliContext, options: { issuer: string | undefined; minLifetimeMs: number }): Promise<FreshAccessToken> {
  const { locations } = ctx;
  const found = await findBearerToken(ctx.env, locations.bearerTokenCandidates);
  if (found && found.path === undefined) {
    return { token: found.token, expiresAt: expiryOf(found.token), issuer: peekClaims(found.token)?.iss, refreshed: false };
  }
  const settings = await ctx.issuerSettings(options.issuer);
  const wanted = settings?.explicit ? settings.issuer : undefined;
  const seen = await readSession(locations.sessionFile);
  if (!seen || (wanted !== undefined && seen.issuer !== wanted)) {
    throw new CliError(ExitCode.notLoggedIn, wanted ? `not logged in at ${wanted}` : 'not logged in', { hint: RUN_LOGIN });
  }
  // A token in the shared WLCG location may be another tool's, for another issuer.
  const ours = (t: FoundBearerToken | undefined) => (t && peekClaims(t.token)?.iss === seen.issuer ? t : undefined);
  const usable = (t: FoundBearerToken | undefined) => (ours(t) && lifeLeft(t!.token, ctx) >= options.minLifetimeMs ? t : undefined);
  const valid = usable(found);
  if (valid) return { token: valid.token, expiresAt: expiryOf(valid.token), issuer: seen.issuer, refreshed: false };

  return withSessionLock(locations.sessionFile, async () => {
    const session = await readSession(locations.sessionFile);
    if (!session) throw new CliError(ExitCode.notLoggedIn, 'logged out meanwhile', { hint: RUN_LOGIN });
    if (wanted !== undefined && session.issuer !== wanted) throw new CliError(ExitCode.notLoggedIn, `not logged in at ${wanted} (a login at ${session.issuer} replaced the session meanwhile)`, { hint: RUN_LOGIN });
    const now = await findBearerToken(ctx.env, locations.bearerTokenCandidates);
    if (now && (usable(now) || (session.refreshToken !== seen.refreshToken && ours(now) && lifeLeft(now.token, ctx) > 0))) {
      return { token: now.token, expiresAt: expiryOf(now.token), issuer: session.issuer, refreshed: false };
    }
    return refresh(ctx, session);
  }, { onWait: () => ctx.term.stderr.write('tessera: waiting for another tessera process to finish refreshing\n') });
}

async function refresh(ctx: CliContext, session: StoredSession): Promise<FreshAccessToken> {
  const oauth = await ctx.oauth(session);
  const tokens = await oauth.refresh(session.refreshToken, { onRetry: (why) => ctx.term.stderr.write(`tessera: ${why}; trying once more\n`) });
  const stored = await storeTokens(ctx, session, tokens, oauth.issuerMetadata);
  return { token: tokens.accessToken, expiresAt: new Date(stored.accessTokenExpiresAt), issuer: session.issuer, refreshed: true };
}

/** ms until the token expires; a token that does not say is treated as expired, so it is refreshed. */
function lifeLeft(token: string, ctx: CliContext): number {
  const expiresAt = expiryOf(token);
  return expiresAt === undefined ? -1 : expiresAt.getTime() - ctx.now().getTime();
}
