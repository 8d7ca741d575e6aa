import type { HandlerContext } from '@connectrpc/connect';
import { IdpGatewayService } from '@tessera/contracts';
import { anyCaller, defineService, hasAnyProperty, pingAnswer, type InstanceInfo, type ServiceDefinition } from '@tessera/rpc';
import { requestSignal } from '../idp/request-signal.js';
import type { AuthorizationFlow } from '../services/authorization-flow.js';
import type { ProviderDirectory } from '../services/provider-directory.js';
import type { TokenGrants } from '../services/token-grants.js';

export interface GatewayServices {
  providers: ProviderDirectory;
  authorization: AuthorizationFlow;
  grants: TokenGrants;
}

/** Only Tessera's own services talk to IdPs through the gateway. */
const tesseraService = hasAnyProperty('TokenIssuer', 'TokenManager');

/** Runs an IdP operation under the RPC's deadline and cancellation. */
const underDeadline = <T>(context: HandlerContext, run: () => Promise<T>): Promise<T> => requestSignal.run(context.signal, run);

/** The gateway's RPC surface: parse, authorize, call the service layer. */
export function idpGatewayService(instance: InstanceInfo, services: GatewayServices): ServiceDefinition<typeof IdpGatewayService> {
  const { providers, authorization, grants } = services;
  return defineService(IdpGatewayService, {
    listProviders: { allow: tesseraService, handle: async (_r, ctx) => ({ providers: await underDeadline(ctx, () => providers.list()) }) },
    beginAuthorization: { allow: tesseraService, handle: (r, ctx) => underDeadline(ctx, () => authorization.begin(r)) },
    completeAuthorization: { allow: tesseraService, handle: (r, ctx) => underDeadline(ctx, () => authorization.complete(r)) },
    refreshToken: { allow: tesseraService, handle: (r, ctx) => underDeadline(ctx, () => grants.refresh(r)) },
    exchangeToken: { allow: tesseraService, handle: (r, ctx) => underDeadline(ctx, () => grants.exchange(r)) },
    clientCredentials: { allow: tesseraService, handle: (r, ctx) => underDeadline(ctx, () => grants.clientCredentials(r)) },
    revokeToken: { allow: tesseraService, handle: (r, ctx) => underDeadline(ctx, () => grants.revoke(r)) },
    ping: { allow: anyCaller, handle: () => pingAnswer(IdpGatewayService, instance) },
  });
}
