import type { HandlerContext } from '@connectrpc/connect';
import { Property } from '@tessera/config';
import { IdpGatewayService } from '@tessera/contracts';
import { anyCaller, defineService, pingAnswer, serviceWithAnyProperty, type InstanceInfo, type ServiceDefinition } from '@tessera/rpc';
import { requestSignal } from '../idp/request-signal.js';
import type { AuthorizationFlow } from '../services/authorization-flow.js';
import type { ProviderDirectory } from '../services/provider-directory.js';
import type { TokenGrants } from '../services/token-grants.js';

export interface GatewayServices {
  providers: ProviderDirectory;
  authorization: AuthorizationFlow;
  grants: TokenGrants;
}

// Callers per method, as the contract assigns them: the internet-facing authserver logs users in;
// only tokenmanager, which owns the stored refresh tokens, refreshes, exchanges and mints client
// tokens; both may list providers and revoke.
const authserver = serviceWithAnyProperty(Property.TokenIssuer);
const tokenmanager = serviceWithAnyProperty(Property.TokenManager);
const either = serviceWithAnyProperty(Property.TokenIssuer, Property.TokenManager);

/** Runs an IdP operation under the RPC's deadline and cancellation. */
const underDeadline = <T>(context: HandlerContext, run: () => Promise<T>): Promise<T> => requestSignal.run(context.signal, run);

/** The gateway's RPC surface: parse, authorize, call the service layer. */
export function idpGatewayService(instance: InstanceInfo, services: GatewayServices): ServiceDefinition<typeof IdpGatewayService> {
  const { providers, authorization, grants } = services;
  return defineService(IdpGatewayService, {
    listProviders: { allow: either, handle: async (_r, ctx) => ({ providers: await underDeadline(ctx, () => providers.list()) }) },
    beginAuthorization: { allow: authserver, handle: (r, ctx) => underDeadline(ctx, () => authorization.begin(r)) },
    completeAuthorization: { allow: authserver, handle: (r, ctx) => underDeadline(ctx, () => authorization.complete(r)) },
    refreshToken: { allow: tokenmanager, handle: (r, ctx) => underDeadline(ctx, () => grants.refresh(r)) },
    exchangeToken: { allow: tokenmanager, handle: (r, ctx) => underDeadline(ctx, () => grants.exchange(r)) },
    clientCredentials: { allow: tokenmanager, handle: (r, ctx) => underDeadline(ctx, () => grants.clientCredentials(r)) },
    revokeToken: { allow: either, handle: (r, ctx) => underDeadline(ctx, () => grants.revoke(r)) },
    ping: { allow: anyCaller, handle: () => pingAnswer(IdpGatewayService, instance) },
  });
}
