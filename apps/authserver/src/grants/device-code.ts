import { parseScope, type ScopePolicy } from '../oauth/scopes.js';
import type { DeviceFlowService } from '../services/device-flow-service.js';
import type { TokenService } from '../services/token-service.js';
import type { GrantHandler } from './grant-handler.js';

/** RFC 8628 §3.4: the device polls with its device code until the user has decided. */
export function deviceCodeGrant(deps: { deviceFlows: DeviceFlowService; tokens: TokenService; scopePolicy: ScopePolicy; audience: string }): GrantHandler {
  return {
    grantType: 'urn:ietf:params:oauth:grant-type:device_code',
    async handle({ params, client }) {
      const { flow, issued } = await deps.deviceFlows.redeem(params.require('device_code'), client);
      const scope = parseScope((flow.grantedScopes ?? flow.scopes).join(' '), deps.scopePolicy);
      return deps.tokens.respond({ client, scope, identity: issued.session.identity, session: { id: issued.session.id, refreshToken: refreshFor(client, issued.refreshToken) }, audience: deps.audience });
    },
  };
}

/** A refresh token only for clients that may use it (RFC 6749 §5.1: it is optional). */
export function refreshFor(client: { grantTypes: ReadonlySet<string> }, refreshToken: string): string | undefined {
  return client.grantTypes.has('refresh_token') ? refreshToken : undefined;
}
