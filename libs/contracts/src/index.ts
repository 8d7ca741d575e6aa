// The Tessera contracts, generated from proto/ into ./gen (never edit ./gen; run
// `npm run proto:generate`, and `npm run proto:check` proves it is current).
//
// Each protobuf package is exported as one namespace, because the packages stand alone and reuse
// short names (PingRequest, WhoamiResponse, TokenSet, …):
//   import { tokenmanagerV1 } from '@tessera/contracts';
//   create(tokenmanagerV1.GetTokenRequestSchema, { userId: 'alice', group: 'dirac_user' });
// The service descriptors have unique names and are also exported at the top level.
export * as tokenmanagerV1 from './gen/tessera/tokenmanager/v1/token_manager_service_pb.js';
export * as idpgatewayV1 from './gen/tessera/idpgateway/v1/idp_gateway_service_pb.js';
export * as authserverV1 from './gen/tessera/authserver/v1/auth_service_pb.js';

export { TokenManagerService } from './gen/tessera/tokenmanager/v1/token_manager_service_pb.js';
export { IdpGatewayService } from './gen/tessera/idpgateway/v1/idp_gateway_service_pb.js';
export { AuthService } from './gen/tessera/authserver/v1/auth_service_pb.js';
export { Health as HealthService } from './gen/grpc/health/v1/health_pb.js';
export * as grpcHealthV1 from './gen/grpc/health/v1/health_pb.js';
