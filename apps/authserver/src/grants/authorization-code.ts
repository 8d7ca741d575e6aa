import { parseScope, type ScopePolicy } from '../oauth/scopes.js';
import type { AuthorizationCodes } from '../services/authorization-codes.js';
import type { TokenService } from '../services/token-service.js';
import { refreshFor } from './device-code.js';
import type { GrantHandler } from './grant-handler.js';

/** RFC 6749 §4.1.3 with PKCE (RFC 7636). */
export function authorizationCodeGrant(deps: { codes: AuthorizationCodes; tokens: TokenService; scopePolicy: ScopePolicy; audience: string }): GrantHandler {
  return {
    grantType: 'authorization_code',
    async handle({ params, client }) {
      const { flow, issued } = await deps.codes.redeem(params.require('code'), client, params.get('redirect_uri'), params.get('code_verifier'));
      const scope = parseScope(flow.scopes.join(' '), deps.scopePolicy);
      const nonce = flow.purpose.kind === 'code' ? flow.purpose.nonce : undefined;
      return deps.tokens.respond({ client, scope, identity: issued.session.identity, session: { id: issued.session.id, refreshToken: refreshFor(client, issued.refreshToken) }, audience: deps.audience, nonce });
    },
  };
}
