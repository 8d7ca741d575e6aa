import { requireApp, type TesseraConfig } from '@tessera/config';
import { createLogger, createMetricsRegistry, startMetricsServer, type Logger } from '@tessera/observability';
import { bearerUsers, bindService, RpcMetrics, TlsWatcher, type UserTokenVerifier } from '@tessera/rpc';
import { startHttpServer } from './http/server.js';
import { authService } from './rpc/auth-service.js';
import { connectUpstreams } from './upstream/upstreams.js';

export interface RunningAuthServer {
  readonly port: number;
  readonly metricsPort: number;
  close(options?: { drainMs?: number }): Promise<void>;
}

export interface AuthServer {
  readonly logger: Logger;
  listen(): Promise<RunningAuthServer>;
}

export interface AuthServerOptions {
  logger?: Logger;
  tlsReloadMs?: number;
  /** Verifies the bearer tokens of the Connect API; without one, every call is UNAUTHENTICATED. */
  userTokens?: UserTokenVerifier;
}

/** Everything authserver is made of, built from its configuration; `listen()` only binds. */
export function buildAuthServer(config: TesseraConfig, options: AuthServerOptions = {}): AuthServer {
  const app = requireApp(config, 'authserver');
  const logger = options.logger ?? createLogger({ name: 'authserver', level: config.log.level });
  const tls = new TlsWatcher(app.tls, { intervalMs: options.tlsReloadMs, logger, configPath: 'apps.authserver.tls' });
  const metricsRegistry = createMetricsRegistry('authserver');
  const api = bindService(authService(), { logger, metrics: new RpcMetrics(metricsRegistry), callers: bearerUsers(options.userTokens) });
  return {
    logger,
    async listen() {
      tls.start();
      const upstreams = connectUpstreams(app, tls);
      const http = await startHttpServer(app.http.host, app.http.port, { upstreams, api, logger });
      const metrics = await startMetricsServer(metricsRegistry, app.metrics.host, app.metrics.port);
      logger.info({ address: `${app.http.host}:${http.port}`, issuer: app.issuer }, 'authserver listening');
      return {
        port: http.port,
        metricsPort: metrics.port,
        async close(closeOptions) {
          await http.close(closeOptions);
          await metrics.close();
          upstreams.close();
          tls.stop();
        },
      };
    },
  };
}
