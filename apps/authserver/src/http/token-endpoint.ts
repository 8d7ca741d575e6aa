import type { GrantType } from '@tessera/config';
import type { Logger } from '@tessera/observability';
import type { GrantHandler } from '../grants/grant-handler.js';
import { requireGrant, type OAuthClients } from '../oauth/clients.js';
import { UnsupportedGrantType } from '../oauth/errors.js';
import type { OAuthMetrics } from '../services/oauth-metrics.js';
import { sendJson } from './oauth-response.js';
import type { OriginOf } from './origin.js';
import { clientEndpoint } from './client-endpoint.js';

/**
 * The token endpoint (RFC 6749 §3.2): parses, authenticates the client and dispatches to the
 * grant's handler; each grant lives in its own module under grants/.
 */
export function tokenEndpoint(deps: { clients: OAuthClients; grants: readonly GrantHandler[]; logger: Logger; metrics?: OAuthMetrics; originOf: OriginOf }) {
  const table = new Map<string, GrantHandler>(deps.grants.map((g) => [g.grantType, g]));
  return clientEndpoint(
    'token',
    deps,
    async ({ req, res, params, client }) => {
      const grantType = params.require('grant_type');
      const grant = table.get(grantType);
      if (!grant) throw new UnsupportedGrantType(`grant_type ${grantType} is not supported`);
      requireGrant(client, grantType as GrantType);
      sendJson(res, 200, await grant.handle({ params, client, origin: deps.originOf(req) }));
    },
    { repeatable: ['audience', 'resource'], grantType: (params) => params.get('grant_type') },
  );
}
