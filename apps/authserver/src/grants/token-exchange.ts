import { InvalidRequest, InvalidScope, InvalidTarget } from '../oauth/errors.js';
import { notWithin, parseScope, type ScopePolicy } from '../oauth/scopes.js';
import type { OwnTokenVerifier } from '../services/own-tokens.js';
import type { RegistryLookup } from '../services/registry-lookup.js';
import type { SessionService } from '../services/session-service.js';
import type { TokenService } from '../services/token-service.js';
import type { GrantHandler } from './grant-handler.js';

export const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';

/**
 * RFC 8693 token exchange, for downscoping only: a user's Tessera access token becomes one for
 * another audience (RFC 8693 `audience`, RFC 8707 `resource`), with at most its scope and never
 * outliving it. Delegation (`actor_token`) is not offered.
 */
export function tokenExchangeGrant(deps: { tokens: TokenService; ownTokens: OwnTokenVerifier; sessions: SessionService; registry: RegistryLookup; scopePolicy: ScopePolicy; audiences: readonly string[]; now?: () => number }): GrantHandler {
  const now = deps.now ?? Date.now;
  return {
    grantType: 'urn:ietf:params:oauth:grant-type:token-exchange',
    async handle({ params, client }) {
      if (params.require('subject_token_type') !== ACCESS_TOKEN_TYPE) throw new InvalidRequest(`subject_token_type must be ${ACCESS_TOKEN_TYPE}`);
      const requested = params.get('requested_token_type');
      if (requested !== undefined && requested !== ACCESS_TOKEN_TYPE) throw new InvalidRequest(`requested_token_type may only be ${ACCESS_TOKEN_TYPE}`);
      if (params.has('actor_token')) throw new InvalidRequest('actor_token is not supported: Tessera exchanges tokens for downscoping only');
      const subject = await deps.ownTokens.verify(params.require('subject_token'));
      if (!subject?.group || !subject.vo || !subject.provider || !subject.providerSubject) throw new InvalidRequest('the subject_token is not a valid Tessera access token of a user');
      // As a refresh would: a user who has left the group gets nothing more for it.
      if (!deps.registry.isMember(subject.sub, subject.group)) throw new InvalidRequest(`the subject_token's user is no longer a member of ${subject.group}`);
      if (subject.sessionId) {
        const session = await deps.sessions.byId(subject.sessionId);
        if (!session || !deps.sessions.isActive(session)) throw new InvalidRequest('the subject_token belongs to a session that has ended');
      }
      const targets = [...params.all('audience'), ...params.all('resource')];
      const unknown = targets.find((t) => !deps.audiences.includes(t));
      if (unknown !== undefined) throw new InvalidTarget(`unknown audience or resource ${unknown}`);
      if (new Set(targets).size > 1) throw new InvalidTarget('one audience at a time: each token is for one audience');
      const scope = parseScope(params.get('scope') ?? subject.scopes.join(' '), deps.scopePolicy);
      const wider = notWithin(scope, subject.scopes);
      if (wider.length > 0) throw new InvalidScope(`the subject_token was not granted ${wider.join(' ')}`);
      // Never outlives the subject token: the lifetime asked for is cut to the whole seconds it has
      // left, and a token with less than one second left (the verifier's clock tolerance lets one
      // just past its expiry through) is not exchanged, so exchanges cannot be chained forever.
      const leftMs = Math.floor((subject.expiresAt * 1000 - now()) / 1000) * 1000;
      if (leftMs < 1000) throw new InvalidRequest('the subject_token has expired');
      const lifetimeMs = Math.min(scope.lifetimeMs ?? Number.POSITIVE_INFINITY, leftMs, deps.scopePolicy.maxAccessTokenLifetime);
      const response = deps.tokens.respond({
        client,
        scope: { ...scope, lifetimeMs, tokens: scope.tokens },
        identity: { userId: subject.sub, group: subject.group, vo: subject.vo, provider: subject.provider, providerSubject: subject.providerSubject },
        session: subject.sessionId ? { id: subject.sessionId, refreshToken: undefined } : undefined,
        audience: targets[0] ?? deps.audiences[0]!,
      }, { idToken: false });
      return { ...response, issued_token_type: ACCESS_TOKEN_TYPE };
    },
  };
}
