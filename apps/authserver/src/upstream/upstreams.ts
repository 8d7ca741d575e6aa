import { createClient, type Client } from '@connectrpc/connect';
import { formatHostPort, type AuthserverConfig } from '@tessera/config';
import { IdpGatewayService, TokenManagerService } from '@tessera/contracts';
import { createServiceTransport, TlsWatcher } from '@tessera/rpc';

export interface Upstreams {
  tokenManager: Client<typeof TokenManagerService>;
  idpGateway: Client<typeof IdpGatewayService>;
  close(): void;
}

/** gRPC clients for the internal services, over mTLS with authserver's own certificate. */
export function connectUpstreams(app: AuthserverConfig, tlsReloadMs?: number): Upstreams {
  const tls = new TlsWatcher(app.tls, { intervalMs: tlsReloadMs }).start();
  const toTokenManager = createServiceTransport({ address: formatHostPort(app.tokenmanager.address), serverName: app.tokenmanager.serverName, tls });
  const toIdpGateway = createServiceTransport({ address: formatHostPort(app.idpGateway.address), serverName: app.idpGateway.serverName, tls });
  return {
    tokenManager: createClient(TokenManagerService, toTokenManager),
    idpGateway: createClient(IdpGatewayService, toIdpGateway),
    close() {
      toTokenManager.close();
      toIdpGateway.close();
      tls.stop();
    },
  };
}
