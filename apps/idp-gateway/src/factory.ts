import { hostname } from 'node:os';
import { requireApp, type TesseraConfig } from '@tessera/config';
import { createLogger, type Logger } from '@tessera/observability';
import { startRpcApp, type RpcApp } from '@tessera/rpc';
import { idpGatewayService } from './rpc/idp-gateway-service.js';

export const VERSION = '0.1.0';

export interface IdpGateway {
  readonly logger: Logger;
  listen(): Promise<RpcApp>;
}

/** Everything the gateway is made of, built from its configuration. */
export function buildIdpGateway(config: TesseraConfig, options: { logger?: Logger; tlsReloadMs?: number } = {}): IdpGateway {
  const app = requireApp(config, 'idpGateway');
  const logger = options.logger ?? createLogger({ name: 'idp-gateway', level: config.log.level });
  const services = [idpGatewayService({ version: VERSION, instance: hostname(), startedAt: new Date() })];
  return {
    logger,
    listen: () =>
      startRpcApp({
        name: 'idp-gateway',
        services,
        logger,
        tls: app.tls,
        tlsReloadMs: options.tlsReloadMs,
        properties: (id) => config.registry.services[id]?.properties,
        grpc: app.grpc,
        metrics: app.metrics,
      }),
  };
}
