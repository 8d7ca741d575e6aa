import type { TesseraConfig } from '@tessera/config';
import { requireApp } from '@tessera/config';
import { createLogger, type Logger } from '@tessera/observability';
import { currentInstance, startRpcApp, type RpcApp } from '@tessera/rpc';
import { tokenManagerService } from './rpc/token-manager-service.js';

export const VERSION = '0.1.0';

export interface TokenManager {
  readonly logger: Logger;
  /** Binds the listeners named in the configuration (port 0 picks a free port). */
  listen(): Promise<RpcApp>;
}

/** The composition root's wiring: everything tokenmanager is made of, built from its config. */
export function buildTokenManager(config: TesseraConfig, options: { logger?: Logger; tlsReloadMs?: number } = {}): TokenManager {
  const app = requireApp(config, 'tokenmanager');
  const logger = options.logger ?? createLogger({ name: 'tokenmanager', level: config.log.level });
  const services = [tokenManagerService(currentInstance(VERSION))];
  return {
    logger,
    listen: () =>
      startRpcApp({
        name: 'tokenmanager',
        services,
        logger,
        tls: app.tls,
        tlsReloadMs: options.tlsReloadMs,
        properties: (id) => config.registry.services[id]?.properties,
        grpc: app.grpc,
        connect: app.connect,
        metrics: app.metrics,
        health: app.health,
      }),
  };
}
