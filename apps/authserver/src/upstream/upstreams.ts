import { createClient, type Client } from '@connectrpc/connect';
import { formatHostPort, type AuthserverConfig } from '@tessera/config';
import { IdpGatewayService, TokenManagerService } from '@tessera/contracts';
import { createServiceTransport, type TlsWatcher } from '@tessera/rpc';

/** The internal services authserver calls (its upstreams). */
export interface Upstreams {
  tokenManager: Client<typeof TokenManagerService>;
  idpGateway: Client<typeof IdpGatewayService>;
  close(): void;
}

/** gRPC clients for the internal services, over mTLS with authserver's own certificate. */
export function connectUpstreams(app: AuthserverConfig, tls: TlsWatcher): Upstreams {
  const toTokenManager = createServiceTransport({ address: formatHostPort(app.tokenmanager.address), serverName: app.tokenmanager.serverName, tls });
  const toIdpGateway = createServiceTransport({ address: formatHostPort(app.idpGateway.address), serverName: app.idpGateway.serverName, tls });
  return {
    tokenManager: createClient(TokenManagerService, toTokenManager),
    idpGateway: createClient(IdpGatewayService, toIdpGateway),
    close() {
      toTokenManager.close();
      toIdpGateway.close();
    },
  };
}
