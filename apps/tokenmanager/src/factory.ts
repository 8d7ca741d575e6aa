import { Property, requireApp, type TesseraConfig } from '@tessera/config';
import { createLogger, type Logger } from '@tessera/observability';
import { currentInstance, servicePeersActingForUsers, startRpcApp, TlsWatcher, type RpcApp, type UserTokenVerifier } from '@tessera/rpc';
import { tokenManagerService } from './rpc/token-manager-service.js';

export const VERSION = '0.1.0';

export interface TokenManager {
  readonly logger: Logger;
  /** Binds the listeners named in the configuration (port 0 picks a free port). */
  listen(): Promise<RpcApp>;
}

export interface TokenManagerOptions {
  logger?: Logger;
  tlsReloadMs?: number;
  /** Verifies user tokens that trusted services forward; without one, forwarded tokens are refused. */
  userTokens?: UserTokenVerifier;
}

/** The composition root's wiring: everything tokenmanager is made of, built from its config. */
export function buildTokenManager(config: TesseraConfig, options: TokenManagerOptions = {}): TokenManager {
  const app = requireApp(config, 'tokenmanager');
  const logger = options.logger ?? createLogger({ name: 'tokenmanager', level: config.log.level });
  const tls = new TlsWatcher(app.tls, { intervalMs: options.tlsReloadMs, logger, configPath: 'apps.tokenmanager.tls' });
  const services = [tokenManagerService(currentInstance(VERSION))];
  // The authserver forwards a user's token when it asks on that user's behalf (GetMyTokensInfo).
  const callers = servicePeersActingForUsers({ verifier: options.userTokens, mayForward: (service) => service.properties.has(Property.TokenIssuer) });
  return {
    logger,
    listen: () =>
      startRpcApp({
        name: 'tokenmanager',
        services,
        logger,
        tls,
        trustDomain: config.trustDomain,
        properties: (id) => config.registry.services[id]?.properties,
        callers,
        grpc: app.grpc,
        connect: app.connect,
        metrics: app.metrics,
        health: app.health,
      }),
  };
}
