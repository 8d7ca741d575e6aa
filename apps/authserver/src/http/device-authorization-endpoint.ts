import type { Logger } from '@tessera/observability';
import { requireGrant, type OAuthClients } from '../oauth/clients.js';
import type { OAuthMetrics } from '../services/oauth-metrics.js';
import { parseScope, type ScopePolicy } from '../oauth/scopes.js';
import type { DeviceFlowService } from '../services/device-flow-service.js';
import { sendJson } from './oauth-response.js';
import type { OriginOf } from './origin.js';
import { clientEndpoint } from './client-endpoint.js';

/** RFC 8628 §3.1–3.2: a device asks for a device code and a user code. */
export function deviceAuthorizationEndpoint(deps: { clients: OAuthClients; deviceFlows: DeviceFlowService; scopePolicy: ScopePolicy; logger: Logger; metrics?: OAuthMetrics; originOf: OriginOf }) {
  return clientEndpoint('device_authorization', deps, async ({ req, res, params, client }) => {
    requireGrant(client, 'urn:ietf:params:oauth:grant-type:device_code');
    const scope = parseScope(params.get('scope'), deps.scopePolicy);
    sendJson(res, 200, await deps.deviceFlows.authorize(client, scope, deps.originOf(req)));
  });
}
