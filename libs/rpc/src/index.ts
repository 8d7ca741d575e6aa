export { callerKey, callerOf, peerKey, remoteAddressKey, type Caller, type ServiceCaller, type UserCaller, type Peer, type PropertyLookup } from './auth/caller.js';
export {
  servicePeers,
  bearerUsers,
  servicePeersActingForUsers,
  FORWARDED_USER_TOKEN,
  type CallerResolver,
  type CallInfo,
  type UserTokenVerifier,
} from './auth/caller-resolver.js';
export { ServiceIdentities, parseSubjectAltName } from './auth/service-identities.js';
export { anyCaller, anyOf, registeredCaller, hasAnyProperty, serviceWithAnyProperty, userCaller, type Rule } from './auth/rules.js';
export * from './errors.js';
export { defineService, notImplemented, unimplementedMethods, type ServiceDefinition, type ServiceSpec, type MethodSpec } from './server/define-service.js';
export { bindService, type BindOptions } from './server/bind-service.js';
export { createConnectHandler, type ConnectHandlerOptions } from './server/connect-handler.js';
export { RpcMetrics } from './server/rpc-metrics.js';
export { startGrpcServer, MAX_MESSAGE_BYTES, type RpcServer, type GrpcServerOptions } from './server/grpc-server.js';
export { startConnectServer, type ConnectServerOptions } from './server/connect-server.js';
export { createServiceTransport, propagate, type ServiceTransport, type ServiceTransportOptions } from './client/transport.js';
export { translateErrors, type ErrorTranslator } from './client/translate-errors.js';
export { TlsWatcher, type TlsWatcherOptions } from './tls/tls-watcher.js';
export { readTlsMaterial, assertUsable, MIN_TLS_VERSION, TlsMaterialError, type TlsMaterial } from './tls/tls-material.js';
export { startRpcApp, closeOnSignals, type RpcApp, type RpcAppOptions, type Endpoint } from './server/rpc-app.js';
export { currentInstance, pingAnswer, type InstanceInfo } from './server/instance-info.js';
export { pageSize, encodePageToken, decodePageToken } from './server/paging.js';
