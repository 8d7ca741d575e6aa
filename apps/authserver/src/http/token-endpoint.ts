import type { IncomingMessage, ServerResponse } from 'node:http';
import type { GrantType } from '@tessera/config';
import type { Logger } from '@tessera/observability';
import type { GrantHandler } from '../grants/grant-handler.js';
import { requireGrant, type OAuthClients } from '../oauth/clients.js';
import { UnsupportedGrantType } from '../oauth/errors.js';
import { OAuthParameters } from '../oauth/parameters.js';
import type { OAuthMetrics } from '../services/oauth-metrics.js';
import { readForm } from './form-body.js';
import { sendJson, sendOAuthError } from './oauth-response.js';
import type { OriginOf } from './origin.js';

/**
 * The token endpoint (RFC 6749 §3.2): parses, authenticates the client and dispatches to the
 * grant's handler; each grant lives in its own module under grants/.
 */
export function tokenEndpoint(deps: { clients: OAuthClients; grants: readonly GrantHandler[]; logger: Logger; metrics?: OAuthMetrics; originOf: OriginOf }) {
  const table = new Map<string, GrantHandler>(deps.grants.map((g) => [g.grantType, g]));
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    let client: string | undefined;
    let grantType: string | undefined;
    const basicAuth = /^Basic /i.test(req.headers.authorization ?? '');
    try {
      const params = OAuthParameters.from(await readForm(req), ['audience', 'resource']);
      grantType = params.get('grant_type');
      const authenticated = deps.clients.authenticate(req.headers.authorization, params);
      client = authenticated.id;
      params.require('grant_type');
      const grant = table.get(grantType!);
      if (!grant) throw new UnsupportedGrantType(`grant_type ${grantType} is not supported`);
      requireGrant(authenticated, grantType as GrantType);
      sendJson(res, 200, await grant.handle({ params, client: authenticated, origin: deps.originOf(req) }));
      deps.metrics?.answered('token', 'ok', grantType);
    } catch (error) {
      sendOAuthError(res, error, deps.logger, { endpoint: 'token', client, basicAuth, metrics: deps.metrics, grantType });
    }
  };
}
