import { checkSecrets, requireApp, type TesseraConfig } from '@tessera/config';
import { createLogger, createMetricsRegistry, type Logger } from '@tessera/observability';
import { currentInstance, startRpcApp, TlsWatcher, type RpcApp } from '@tessera/rpc';
import { deriveKey, StateSealer } from './domain/sealed-state.js';
import { IdpConnection } from './idp/idp-connection.js';
import { IdpMetrics } from './idp/idp-metrics.js';
import { idpGatewayService } from './rpc/idp-gateway-service.js';
import { AuthorizationFlow } from './services/authorization-flow.js';
import { ProviderDirectory } from './services/provider-directory.js';
import { TokenGrants } from './services/token-grants.js';

export const VERSION = '0.1.0';

export interface IdpGateway {
  readonly logger: Logger;
  listen(): Promise<RpcApp>;
}

/** Everything the gateway is made of, built from its configuration. */
export function buildIdpGateway(config: TesseraConfig, options: { logger?: Logger; tlsReloadMs?: number } = {}): IdpGateway {
  const app = requireApp(config, 'idpGateway');
  checkSecrets(config, ['apps', 'idpGateway', 'stateSecrets'], (s) => (s.length < 32 ? 'must be at least 32 characters' : undefined));
  const logger = options.logger ?? createLogger({ name: 'idp-gateway', level: config.log.level });
  const metricsRegistry = createMetricsRegistry('idp-gateway');
  const metrics = new IdpMetrics(metricsRegistry);
  const connections = new Map(Object.entries(config.idps).map(([name, idp]) => [name, new IdpConnection(name, idp, metrics, logger)]));
  const providers = new ProviderDirectory(connections);
  const grants = new TokenGrants(providers, logger);
  const tls = new TlsWatcher(app.tls, { intervalMs: options.tlsReloadMs, logger, configPath: 'apps.idpGateway.tls' });
  return {
    logger,
    async listen() {
      const sealer = new StateSealer(await Promise.all(app.stateSecrets.map((s) => deriveKey(s.reveal()))));
      const authorization = new AuthorizationFlow(providers, sealer, metrics);
      return startRpcApp({
        name: 'idp-gateway',
        services: [idpGatewayService(currentInstance(VERSION), { providers, authorization, grants })],
        logger,
        tls,
        trustDomain: config.trustDomain,
        properties: (id) => config.registry.services[id]?.properties,
        grpc: app.grpc,
        metrics: app.metrics,
        health: app.health,
        metricsRegistry,
      });
    },
  };
}
