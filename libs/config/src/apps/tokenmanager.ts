import { z } from 'zod';
import { databaseSchema } from '../database.js';
import { duration } from '../duration.js';
import { encryptionSchema } from '../encryption.js';
import { hostPort } from '../host-port.js';
import { httpUrl, nonEmpty } from '../scalars.js';
import { tlsFilesSchema, type TlsFiles } from '../tls-files.js';
import { upstreamSchema } from '../upstream.js';

/**
 * How tokenmanager verifies the users' Tessera access tokens that trusted services (TokenIssuer)
 * forward: the authserver's issuer and its JWKS, fetched when first needed and again when a token
 * names a key not seen yet (the signing keys rotate).
 */
const userTokensSchema = z
  .strictObject({
    /** The authserver's issuer (`iss` of its tokens, `apps.authserver.issuer`). */
    issuer: httpUrl,
    /** Where the authserver publishes its signing keys; default `<issuer>/.well-known/jwks.json`. */
    jwksUrl: httpUrl.optional(),
    /** tokenmanager's identifier in the tokens' `aud` (one of `apps.authserver.audiences`). */
    audience: nonEmpty,
  })
  .transform((userTokens) => ({ ...userTokens, jwksUrl: userTokens.jwksUrl ?? `${userTokens.issuer.replace(/\/+$/, '')}/.well-known/jwks.json` }));

export const tokenmanagerConfigSchema = z.strictObject({
  /** gRPC over mTLS (grpc-js). */
  grpc: hostPort,
  /** Optional second listener: Connect / gRPC-Web over HTTPS with mTLS (HTTP/1.1 and h2). */
  connect: hostPort.optional(),
  /** Plain HTTP serving /metrics. */
  metrics: hostPort,
  /** Optional plaintext gRPC listener serving only grpc.health.v1, for Kubernetes gRPC probes
   * (which cannot present a client certificate). Nothing else is reachable on it. */
  health: hostPort.optional(),
  tls: tlsFilesSchema.optional(),
  database: databaseSchema,
  /** The keyring for stored tokens (AES-256-GCM at rest). */
  encryption: encryptionSchema,
  /** Lifetime assumed for a refresh token whose expiry neither the IdP nor the token states
   * (DIRAC: 86,400 s). */
  defaultRefreshLifetime: duration.default(86_400_000),
  /** How long a replica serves a cached access token from memory before it reads TokenDB again
   * (0: never from memory). A token deleted on another replica is served here at most this long. */
  cacheFrontTtl: duration.default(15_000),
  /** How many IdP calls (cache misses, skip_cache) one user may cause per minute on one replica,
   * at most that many at once; more are answered RESOURCE_EXHAUSTED with retry_after. */
  idpCallsPerUserPerMinute: z.number().int().min(1).default(30),
  /** How often the revocation outbox is worked (each entry then waits its own backoff). */
  revocationOutboxInterval: duration.default(5_000),
  /** The idp-gateway, through which the stored IdP tokens are refreshed, exchanged and revoked. */
  idpGateway: upstreamSchema,
  /** Users' access tokens forwarded by trusted services; without it, forwarded tokens are refused. */
  userTokens: userTokensSchema.optional(),
});

export type TokenmanagerConfig = Omit<z.output<typeof tokenmanagerConfigSchema>, 'tls'> & { tls: TlsFiles };
