import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '@tessera/observability';
import { InvalidToken, OAuthError } from '../oauth/errors.js';
import type { OwnTokenVerifier } from '../services/own-tokens.js';
import type { SessionService } from '../services/session-service.js';
import { sendJson, sendOAuthError } from './oauth-response.js';

const InsufficientScope = class extends OAuthError {
  constructor(description: string) {
    super('insufficient_scope', 403, description);
  }
};

/** OIDC Core §5.3: the user behind an access token with scope `openid` (RFC 6750 §2.1 bearer). */
export function userinfoEndpoint(deps: { ownTokens: OwnTokenVerifier; sessions: SessionService; logger: Logger }) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    try {
      const match = /^Bearer ([A-Za-z0-9\-._~+/]+=*)$/i.exec(req.headers.authorization?.trim() ?? '');
      if (!match) throw new InvalidToken('a bearer access token is required');
      const access = await deps.ownTokens.verify(match[1]!);
      if (!access?.group) throw new InvalidToken('the access token is not valid');
      if (access.sessionId) {
        const session = await deps.sessions.byId(access.sessionId);
        if (!session || !deps.sessions.isActive(session)) throw new InvalidToken('the session of the access token has ended');
      }
      if (!access.scopes.includes('openid')) throw new InsufficientScope('userinfo needs the openid scope');
      const profile = access.scopes.includes('profile') ? { preferred_username: access.sub, group: access.group, vo: access.vo } : {};
      sendJson(res, 200, { sub: access.sub, ...profile });
    } catch (error) {
      sendOAuthError(res, error, deps.logger, { endpoint: 'userinfo' });
    }
  };
}
