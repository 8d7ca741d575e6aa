import { InvalidScope } from '../oauth/errors.js';
import { parseScope, type ScopePolicy } from '../oauth/scopes.js';
import type { TokenService } from '../services/token-service.js';
import type { GrantHandler } from './grant-handler.js';

/** RFC 6749 §4.4: a confidential client's own token; it acts for no user, so it has no group
 * and no refresh token (§4.4.3). */
export function clientCredentialsGrant(deps: { tokens: TokenService; scopePolicy: ScopePolicy; audience: string }): GrantHandler {
  return {
    grantType: 'client_credentials',
    async handle({ params, client }) {
      const scope = parseScope(params.get('scope'), deps.scopePolicy);
      if (scope.group !== undefined) throw new InvalidScope(`g:${scope.group} needs a user; a client credentials token acts for no one`);
      if (scope.openid || scope.offlineAccess) throw new InvalidScope(`${scope.openid ? 'openid' : 'offline_access'} needs a user; a client credentials token acts for no one`);
      return deps.tokens.respond({ client, scope, identity: undefined, session: undefined, audience: deps.audience });
    },
  };
}
