import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '@tessera/observability';
import type { OAuthClient, OAuthClients } from '../oauth/clients.js';
import { OAuthParameters } from '../oauth/parameters.js';
import type { OAuthMetrics } from '../services/oauth-metrics.js';
import { readForm } from './form-body.js';
import { sendOAuthError } from './oauth-response.js';

/** A request to an endpoint where clients authenticate, its form parsed and its client known. */
export interface ClientRequest {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly params: OAuthParameters;
  readonly client: OAuthClient;
}

export interface ClientEndpointDeps {
  readonly clients: OAuthClients;
  readonly logger: Logger;
  readonly metrics?: OAuthMetrics | undefined;
}

/**
 * The edge every endpoint with client authentication shares (token, device authorization,
 * revocation, introspection): reads the form (RFC 6749 §3.2), authenticates the client, runs the
 * endpoint, which writes its answer, and counts the outcome; whatever it throws is rendered once
 * by sendOAuthError. `grantType` (the token endpoint) is read before authentication so that a
 * refused client is counted under the grant it tried.
 */
export function clientEndpoint(
  endpoint: string,
  deps: ClientEndpointDeps,
  handle: (request: ClientRequest) => Promise<void>,
  options: { repeatable?: readonly string[]; grantType?: (params: OAuthParameters) => string | undefined } = {},
) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    let client: string | undefined;
    let grantType: string | undefined;
    const basicAuth = /^Basic /i.test(req.headers.authorization ?? '');
    try {
      const params = OAuthParameters.from(await readForm(req), options.repeatable);
      grantType = options.grantType?.(params);
      const authenticated = deps.clients.authenticate(req.headers.authorization, params);
      client = authenticated.id;
      await handle({ req, res, params, client: authenticated });
      deps.metrics?.answered(endpoint, 'ok', grantType);
    } catch (error) {
      sendOAuthError(res, error, deps.logger, { endpoint, client, basicAuth, metrics: deps.metrics, grantType });
    }
  };
}
