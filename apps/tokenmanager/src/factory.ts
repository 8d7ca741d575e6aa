import { createAccessTokenVerifier } from '@tessera/access-tokens';
import { checkSecrets, keyProblem, Property, requireApp, type TesseraConfig } from '@tessera/config';
import { createLogger, createMetricsRegistry, type Logger } from '@tessera/observability';
import { currentInstance, servicePeersActingForUsers, startRpcApp, TlsWatcher, type RpcApp, type UserTokenVerifier } from '@tessera/rpc';
import { TokenCipher } from './crypto/token-cipher.js';
import { tokenManagerService } from './rpc/token-manager-service.js';
import { AccessTokenFront } from './services/access-token-front.js';
import { AccessTokenService } from './services/access-token-service.js';
import { RefreshRateLimit } from './services/refresh-rate-limit.js';
import { RevocationWorker } from './services/revocation-worker.js';
import { TokenMetrics } from './services/token-metrics.js';
import { StoredTokensService } from './services/stored-tokens-service.js';
import { TokenHistoryService } from './services/token-history-service.js';
import { openTokenDb } from './storage/create-token-db.js';
import { connectIdpGateway } from './upstream/idp-gateway.js';

export const VERSION = '0.1.0';

export interface TokenManager {
  readonly logger: Logger;
  /** Opens TokenDB and binds the listeners named in the configuration (port 0 picks a free port). */
  listen(): Promise<RpcApp>;
}

export interface TokenManagerOptions {
  logger?: Logger;
  tlsReloadMs?: number;
  /** Verifies user tokens that trusted services forward; by default the authserver's JWKS as
   * `userTokens` configures it; with neither, forwarded tokens are refused. */
  userTokens?: UserTokenVerifier;
  /** How soon a forwarded token under an unknown `kid` may make the JWKS be fetched again (for tests). */
  jwksCooldownMs?: number;
}

/** Thrown at start-up when TokenDB on MariaDB/MySQL is behind the code: the migration Job has
 * not run. Serving on an old schema would fail call by call instead. */
export class SchemaBehindError extends Error {
  override readonly name = 'SchemaBehindError';
  constructor() {
    super('TokenDB has migrations still to apply: run `npm run migrate` (in Kubernetes, the tokenmanager-migrate Job) first');
  }
}

/** The composition root's wiring: everything tokenmanager is made of, built from its config. */
export function buildTokenManager(config: TesseraConfig, options: TokenManagerOptions = {}): TokenManager {
  const app = requireApp(config, 'tokenmanager');
  checkSecrets(config, ['apps', 'tokenmanager', 'encryption'], keyProblem);
  const logger = options.logger ?? createLogger({ name: 'tokenmanager', level: config.log.level });
  const tls = new TlsWatcher(app.tls, { intervalMs: options.tlsReloadMs, logger, configPath: 'apps.tokenmanager.tls' });
  const cipher = new TokenCipher(app.encryption);
  const issuers = new Map(Object.entries(config.idps).map(([name, idp]) => [name, idp.issuer]));
  // The authserver forwards a user's token when it asks on that user's behalf (GetMyTokensInfo).
  // Its JWKS is fetched at the first forwarded token, not here: the authserver may start later.
  const userTokens =
    options.userTokens ??
    (app.userTokens &&
      createAccessTokenVerifier({
        issuer: app.userTokens.issuer,
        audience: app.userTokens.audience,
        keys: new URL(app.userTokens.jwksUrl),
        registry: config.registry,
        remote: { cooldownMs: options.jwksCooldownMs },
      }));
  const callers = servicePeersActingForUsers({ verifier: userTokens, mayForward: (service) => service.properties.has(Property.TokenIssuer) });
  return {
    logger,
    async listen() {
      const tokenDb = await openTokenDb(app.database, cipher);
      const gateway = connectIdpGateway(app.idpGateway, tls);
      const metricsRegistry = createMetricsRegistry('tokenmanager');
      try {
        // The embedded SQLite database has one user, this process: it migrates it itself.
        if (app.database.type === 'sqlite') {
          const applied = await tokenDb.migrate();
          if (applied.length > 0) logger.info({ applied }, 'TokenDB migrated');
        } else if (await tokenDb.pending()) {
          throw new SchemaBehindError();
        }
        const front = new AccessTokenFront(app.cacheFrontTtl);
        const services = {
          storedTokens: new StoredTokensService(tokenDb.db, config.registry, issuers, app.defaultRefreshLifetime, front),
          accessTokens: new AccessTokenService(tokenDb.db, config.registry, gateway.client, front, {
            providers: new Set(issuers.keys()),
            metrics: new TokenMetrics(metricsRegistry, tokenDb.db),
            rateLimit: new RefreshRateLimit(app.idpCallsPerUserPerMinute),
          }),
          history: new TokenHistoryService(tokenDb.db),
          registry: config.registry,
          issuers,
        };
        const rpc = await startRpcApp({
          name: 'tokenmanager',
          metricsRegistry,
          services: [tokenManagerService(currentInstance(VERSION), services)],
          logger,
          tls,
          trustDomain: config.trustDomain,
          properties: (id) => config.registry.services[id]?.properties,
          callers,
          grpc: app.grpc,
          connect: app.connect,
          metrics: app.metrics,
          health: app.health,
        });
        const outbox = new RevocationWorker(tokenDb.db, gateway.client, logger, { intervalMs: app.revocationOutboxInterval }).start();
        return {
          ...rpc,
          async close(closeOptions) {
            await rpc.close(closeOptions);
            await outbox.stop();
            gateway.close();
            await tokenDb.db.close();
          },
        };
      } catch (error) {
        gateway.close();
        await tokenDb.db.close();
        throw error;
      }
    },
  };
}
