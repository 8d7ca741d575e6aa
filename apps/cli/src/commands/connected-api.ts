import type { AuthApi } from '../api/auth-api.js';
import type { CliContext } from '../cli-context.js';
import { noIssuer } from '../config/issuer-settings.js';
import { freshAccessToken } from '../services/fresh-access-token.js';

/** The Connect API as the logged-in user, with an access token refreshed first when it is about
 * to expire. */
export async function connectedApi(ctx: CliContext, issuerOption: string | undefined): Promise<AuthApi> {
  const fresh = await freshAccessToken(ctx, { issuer: issuerOption, minLifetimeMs: 60_000 });
  const issuer = fresh.issuer ?? (await ctx.issuerSettings(issuerOption))?.issuer;
  if (issuer === undefined) throw noIssuer(ctx.locations.configFile);
  return ctx.authApi(issuer, fresh.token);
}
