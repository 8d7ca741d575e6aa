import type { Logger } from '@tessera/observability';
import type { OAuthClients } from '../oauth/clients.js';
import { InvalidClient } from '../oauth/errors.js';
import type { OAuthMetrics } from '../services/oauth-metrics.js';
import { scopeText } from '../oauth/scopes.js';
import type { OwnTokenVerifier } from '../services/own-tokens.js';
import type { SessionService } from '../services/session-service.js';
import { sendJson } from './oauth-response.js';
import { clientEndpoint } from './client-endpoint.js';

/**
 * RFC 7662, for resource servers that authenticate as confidential clients. An access token is
 * active while its signature and times hold and its session (if any) has not ended; a refresh
 * token while it is its session's current one. Anything else is `{ "active": false }` (§2.2).
 */
export function introspectionEndpoint(deps: { clients: OAuthClients; sessions: SessionService; ownTokens: OwnTokenVerifier; logger: Logger; metrics?: OAuthMetrics }) {
  return clientEndpoint('introspection', deps, async ({ res, params, client }) => {
    if (client.type !== 'confidential') throw new InvalidClient('only confidential clients may introspect tokens', { detail: 'public client' });
    sendJson(res, 200, await introspect(params.require('token'), deps));
  });
}

async function introspect(token: string, deps: { sessions: SessionService; ownTokens: OwnTokenVerifier }): Promise<Record<string, unknown>> {
  const inactive = { active: false };
  if (token.startsWith('tsr_')) {
    const session = await deps.sessions.ofRefreshToken(token);
    const record = session && (await deps.sessions.tokenRecord(token));
    if (!session || !record || record.rotatedAt || !deps.sessions.isActive(session)) return inactive;
    const user = session.identity;
    return { active: true, token_type: 'refresh_token', client_id: session.clientId, sub: user.userId, scope: scopeText(session.scopes), exp: Math.floor(session.expiresAt.getTime() / 1000), iat: Math.floor(record.issuedAt.getTime() / 1000), group: user.group, vo: user.vo, sid: session.id };
  }
  const access = await deps.ownTokens.verify(token);
  if (!access) return inactive;
  if (access.sessionId) {
    const session = await deps.sessions.byId(access.sessionId);
    if (!session || !deps.sessions.isActive(session)) return inactive;
  }
  return {
    active: true,
    token_type: 'Bearer',
    client_id: access.clientId,
    sub: access.sub,
    scope: scopeText(access.scopes),
    exp: access.expiresAt,
    iat: access.issuedAt,
    aud: access.audience,
    jti: access.jti,
    ...(access.group ? { group: access.group, vo: access.vo } : {}),
    ...(access.sessionId ? { sid: access.sessionId } : {}),
  };
}
