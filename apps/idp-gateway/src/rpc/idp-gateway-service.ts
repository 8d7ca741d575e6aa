import { timestampFromDate, timestampNow } from '@bufbuild/protobuf/wkt';
import { IdpGatewayService } from '@tessera/contracts';
import { anyCaller, defineService, hasAnyProperty, notImplemented, type ServiceDefinition } from '@tessera/rpc';

export interface InstanceInfo {
  version: string;
  instance: string;
  startedAt: Date;
}

/** Only Tessera's own services talk to IdPs through the gateway. */
const tesseraService = hasAnyProperty('TokenIssuer', 'TokenManager');

/** The gateway's RPC surface; the IdP exchanges land with their issue and answer UNIMPLEMENTED until then. */
export function idpGatewayService(instance: InstanceInfo): ServiceDefinition<typeof IdpGatewayService> {
  return defineService(IdpGatewayService, {
    listProviders: notImplemented(tesseraService, 'ListProviders'),
    beginAuthorization: notImplemented(tesseraService, 'BeginAuthorization'),
    completeAuthorization: notImplemented(tesseraService, 'CompleteAuthorization'),
    refreshToken: notImplemented(tesseraService, 'RefreshToken'),
    exchangeToken: notImplemented(tesseraService, 'ExchangeToken'),
    clientCredentials: notImplemented(tesseraService, 'ClientCredentials'),
    revokeToken: notImplemented(tesseraService, 'RevokeToken'),
    ping: {
      allow: anyCaller,
      handle: () => ({
        serverTime: timestampNow(),
        service: IdpGatewayService.typeName,
        version: instance.version,
        instance: instance.instance,
        startedAt: timestampFromDate(instance.startedAt),
      }),
    },
  });
}
