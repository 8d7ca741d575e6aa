import { requireApp, type TesseraConfig } from '@tessera/config';
import { createLogger, createMetricsRegistry, startMetricsServer, type Logger } from '@tessera/observability';
import { bearerUsers, bindService, RpcMetrics, TlsWatcher, type UserTokenVerifier } from '@tessera/rpc';
import { startHttpServer } from './http/server.js';
import { loadTokenKeys } from './keys/index.js';
import { ownTokenVerifier } from './keys/own-token-verifier.js';
import { OAuthClients } from './oauth/clients.js';
import { oauthRoutes } from './oauth-routes.js';
import { authService } from './rpc/auth-service.js';
import { AuthorizationCodes } from './services/authorization-codes.js';
import { DeviceFlowService } from './services/device-flow-service.js';
import { LoginService } from './services/login-service.js';
import { LogoutService } from './services/logout-service.js';
import { OAuthMetrics } from './services/oauth-metrics.js';
import { RegistryLookup } from './services/registry-lookup.js';
import { SessionService } from './services/session-service.js';
import { TokenService } from './services/token-service.js';
import { AuthDbCleanup } from './services/auth-db-cleanup.js';
import { openAuthDb } from './storage/create-auth-db.js';
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
  /** Verifies the Connect API's bearer tokens; by default this authserver's own keys. */
  userTokens?: UserTokenVerifier;
}

/** Thrown at start-up when AuthDB on MariaDB/MySQL is behind the code: the migration Job has not run. */
export class AuthDbBehindError extends Error {
  override readonly name = 'AuthDbBehindError';
  constructor() {
    super('AuthDB has migrations still to apply: run `npm run migrate:authserver` (in Kubernetes, the authserver-migrate Job) first');
  }
}

/** Everything authserver is made of, built from its configuration; `listen()` opens AuthDB and binds. */
export function buildAuthServer(config: TesseraConfig, options: AuthServerOptions = {}): AuthServer {
  const app = requireApp(config, 'authserver');
  const logger = options.logger ?? createLogger({ name: 'authserver', level: config.log.level });
  const tls = new TlsWatcher(app.tls, { intervalMs: options.tlsReloadMs, logger, configPath: 'apps.authserver.tls' });
  const keys = loadTokenKeys(app.signing);
  const audiences = app.audiences.length > 0 ? app.audiences : [app.issuer];
  const registry = new RegistryLookup(config.registry);
  const clients = new OAuthClients(config.oauthClients);
  const scopePolicy = { registry: config.registry, maxAccessTokenLifetime: app.maxAccessTokenLifetime };
  const ownTokens = ownTokenVerifier({ issuer: app.issuer, audiences, jwks: { keys: [...keys.jwks.keys] } });
  const userTokens = options.userTokens ?? keys.verifier(config.registry, audiences[0]!, app.issuer);
  const tokens = new TokenService(keys, { issuer: app.issuer, accessTokenLifetime: app.accessTokenLifetime });
  const metricsRegistry = createMetricsRegistry('authserver');
  return {
    logger,
    async listen() {
      const authDb = await openAuthDb(app.database);
      try {
        // The embedded SQLite database has one user, this process: it migrates it itself.
        if (app.database.type === 'sqlite') {
          const applied = await authDb.migrate();
          if (applied.length > 0) logger.info({ applied }, 'AuthDB migrated');
        } else if (await authDb.pending()) {
          throw new AuthDbBehindError();
        }
      } catch (error) {
        await authDb.db.close();
        throw error;
      }
      tls.start();
      const upstreams = connectUpstreams(app, tls);
      const db = authDb.db;
      const sessions = new SessionService(db, app);
      const deviceFlows = new DeviceFlowService(db, sessions, { issuer: app.issuer, lifetime: app.deviceFlow.lifetime, interval: app.deviceFlow.interval });
      const login = new LoginService({ db, idpGateway: upstreams.idpGateway, tokenManager: upstreams.tokenManager, registry, clients, logger }, app);
      const logout = new LogoutService(sessions, upstreams.tokenManager, logger);
      const routes = oauthRoutes({
        config,
        app,
        clients,
        registry,
        scopePolicy,
        audiences,
        tokens,
        ownTokens,
        sessions,
        deviceFlows,
        codes: new AuthorizationCodes(db, sessions),
        login,
        logout,
        jwks: keys.jwks,
        algorithms: keys.algorithms,
        metrics: new OAuthMetrics(metricsRegistry, db),
        logger,
      });
      const api = bindService(authService({ sessions, logout, tokenManager: upstreams.tokenManager, ownTokens, issuer: app.issuer }), {
        logger,
        metrics: new RpcMetrics(metricsRegistry),
        callers: bearerUsers(userTokens),
      });
      const cleanup = new AuthDbCleanup(db, logger, app.cleanupInterval).start();
      const http = await startHttpServer(app.http.host, app.http.port, { upstreams, api, routes, logger });
      const metrics = await startMetricsServer(metricsRegistry, app.metrics.host, app.metrics.port);
      logger.info({ address: `${app.http.host}:${http.port}`, issuer: app.issuer }, 'authserver listening');
      return {
        port: http.port,
        metricsPort: metrics.port,
        async close(closeOptions) {
          await http.close(closeOptions);
          await metrics.close();
          await cleanup.stop();
          upstreams.close();
          tls.stop();
          await db.close();
        },
      };
    },
  };
}
