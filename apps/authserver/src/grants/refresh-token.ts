import { InvalidGrant, InvalidScope } from '../oauth/errors.js';
import { notWithin, parseScope, type Scope, type ScopePolicy } from '../oauth/scopes.js';
import type { RegistryLookup } from '../services/registry-lookup.js';
import type { SessionService } from '../services/session-service.js';
import type { TokenService } from '../services/token-service.js';
import type { GrantHandler } from './grant-handler.js';

/**
 * RFC 6749 §6 with rotation (RFC 9700 §4.14.2): every use returns a new refresh token and the
 * presented one is spent. A narrower `scope` may be asked for, never a wider one. Everything that
 * can refuse the request is checked before the rotation, so a refused request does not cost the
 * client its refresh token: they run under the session's lock, inside the rotation.
 */
export function refreshTokenGrant(deps: { sessions: SessionService; tokens: TokenService; registry: RegistryLookup; scopePolicy: ScopePolicy; audience: string }): GrantHandler {
  return {
    grantType: 'refresh_token',
    async handle({ params, client }) {
      const asked = params.get('scope');
      let scope: Scope | undefined;
      const { session, refreshToken } = await deps.sessions.rotate(params.require('refresh_token'), client.id, async (current) => {
        scope = parseScope(asked ?? current.scopes.join(' '), deps.scopePolicy);
        const wider = notWithin(scope, current.scopes);
        if (wider.length > 0) throw new InvalidScope(`the refresh token was not granted ${wider.join(' ')}`);
        if (!deps.registry.isMember(current.identity.userId, current.identity.group)) {
          throw new InvalidGrant(`${current.identity.userId} is no longer a member of ${current.identity.group}; log in again`);
        }
      });
      return deps.tokens.respond({ client, scope: scope!, identity: session.identity, session: { id: session.id, refreshToken }, audience: deps.audience });
    },
  };
}
