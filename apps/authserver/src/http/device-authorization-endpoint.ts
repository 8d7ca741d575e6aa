import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '@tessera/observability';
import { requireGrant, type OAuthClients } from '../oauth/clients.js';
import { OAuthParameters } from '../oauth/parameters.js';
import type { OAuthMetrics } from '../services/oauth-metrics.js';
import { parseScope, type ScopePolicy } from '../oauth/scopes.js';
import type { DeviceFlowService } from '../services/device-flow-service.js';
import { readForm } from './form-body.js';
import { sendJson, sendOAuthError } from './oauth-response.js';
import type { OriginOf } from './origin.js';

/** RFC 8628 §3.1–3.2: a device asks for a device code and a user code. */
export function deviceAuthorizationEndpoint(deps: { clients: OAuthClients; deviceFlows: DeviceFlowService; scopePolicy: ScopePolicy; logger: Logger; metrics?: OAuthMetrics; originOf: OriginOf }) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    let client: string | undefined;
    const basicAuth = /^Basic /i.test(req.headers.authorization ?? '');
    try {
      const params = OAuthParameters.from(await readForm(req));
      const authenticated = deps.clients.authenticate(req.headers.authorization, params);
      client = authenticated.id;
      requireGrant(authenticated, 'urn:ietf:params:oauth:grant-type:device_code');
      const scope = parseScope(params.get('scope'), deps.scopePolicy);
      sendJson(res, 200, await deps.deviceFlows.authorize(authenticated, scope, deps.originOf(req)));
      deps.metrics?.answered('device_authorization', 'ok');
    } catch (error) {
      sendOAuthError(res, error, deps.logger, { endpoint: 'device_authorization', client, basicAuth, metrics: deps.metrics });
    }
  };
}
