import type { Logger } from '@tessera/observability';
import type { OAuthClients } from '../oauth/clients.js';
import { InvalidRequest } from '../oauth/errors.js';
import type { OAuthMetrics } from '../services/oauth-metrics.js';
import type { LogoutService } from '../services/logout-service.js';
import type { OwnTokenVerifier } from '../services/own-tokens.js';
import type { SessionService } from '../services/session-service.js';
import { clientEndpoint } from './client-endpoint.js';

/**
 * RFC 7009. A refresh token, or an access token of a session, ends that session (logout). An
 * unknown, expired or already revoked token is answered 200 like a revoked one (§2.2). A client
 * may revoke only tokens issued to it. Tessera's extension `delete_idp_tokens=true` is `logout
 * --everywhere`: the user's other sessions and stored IdP tokens go too; it takes a refresh token.
 */
export function revocationEndpoint(deps: { clients: OAuthClients; sessions: SessionService; ownTokens: OwnTokenVerifier; logout: LogoutService; logger: Logger; metrics?: OAuthMetrics }) {
  return clientEndpoint('revocation', deps, async ({ res, params, client }) => {
    const token = params.require('token');
    const everywhere = params.get('delete_idp_tokens') === 'true';
    // Logging out everywhere deletes what jobs act with: only the session's own refresh token may
    // ask it, not an access token that services and jobs also hold.
    if (everywhere && !token.startsWith('tsr_')) throw new InvalidRequest('delete_idp_tokens needs the refresh token of the session, not an access token');
    const session = await sessionOf(token, deps);
    if (session) {
      if (session.clientId !== client.id) throw new InvalidRequest('the token was not issued to this client');
      await deps.logout.logout(session, { everywhere, reason: 'logout' });
      deps.logger.info({ client: client.id, session: session.id, everywhere }, 'session ended by revocation');
    }
    res.writeHead(200, { 'cache-control': 'no-store', 'content-length': '0' }).end();
  });
}

async function sessionOf(token: string, deps: { sessions: SessionService; ownTokens: OwnTokenVerifier }) {
  if (token.startsWith('tsr_')) return deps.sessions.ofRefreshToken(token);
  const access = await deps.ownTokens.verify(token);
  return access?.sessionId ? deps.sessions.byId(access.sessionId) : undefined;
}
