import { requireApp, type TesseraConfig } from '@tessera/config';
import { createLogger, createMetricsRegistry, startMetricsServer, type Logger } from '@tessera/observability';
import { startHttpServer } from './http/server.js';
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

/** Everything authserver is made of, built from its configuration. */
export function buildAuthServer(config: TesseraConfig, options: { logger?: Logger } = {}): AuthServer {
  const app = requireApp(config, 'authserver');
  const logger = options.logger ?? createLogger({ name: 'authserver', level: config.log.level });
  return {
    logger,
    async listen() {
      const upstreams = connectUpstreams(app);
      const http = await startHttpServer(app.http.host, app.http.port, upstreams);
      const metrics = await startMetricsServer(createMetricsRegistry('authserver'), app.metrics.host, app.metrics.port);
      logger.info({ address: `${app.http.host}:${http.port}`, issuer: app.issuer }, 'authserver listening');
      return {
        port: http.port,
        metricsPort: metrics.port,
        async close(options) {
          await http.close(options);
          await metrics.close();
          upstreams.close();
        },
      };
    },
  };
}
