import { createClient, type Client } from '@connectrpc/connect';
import { formatHostPort, type UpstreamConfig } from '@tessera/config';
import { IdpGatewayService } from '@tessera/contracts';
import { createServiceTransport, type TlsWatcher } from '@tessera/rpc';
import { translateIdpGatewayError } from './idp-gateway-error.js';

export interface IdpGateway {
  readonly client: Client<typeof IdpGatewayService>;
  close(): void;
}

/** tokenmanager's client of the idp-gateway: its failures arrive as IdpGatewayError. */
export function connectIdpGateway(upstream: UpstreamConfig, tls: TlsWatcher): IdpGateway {
  const transport = createServiceTransport({ address: formatHostPort(upstream.address), serverName: upstream.serverName, tls, translate: translateIdpGatewayError });
  return { client: createClient(IdpGatewayService, transport), close: () => transport.close() };
}
