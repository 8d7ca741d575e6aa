import { z } from 'zod';
import { databaseSchema } from '../database.js';
import { duration } from '../duration.js';
import { hostPort } from '../host-port.js';
import { keyringSchema } from '../keyring.js';
import { httpUrl, nonEmpty } from '../scalars.js';
import { tlsFilesSchema, type TlsFiles } from '../tls-files.js';
import { upstreamSchema } from '../upstream.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** RFC 8628: how device authorizations behave. */
const deviceFlowSchema = z.strictObject({
  /** `expires_in` of a device code (RFC 8628 §3.2). */
  lifetime: duration.default(30 * MINUTE),
  /** The polling `interval` a client is told; each `slow_down` adds 5 s to it (§3.5). */
  interval: duration.default(5_000),
  /** Wrong user codes accepted per source address per minute, and in total per minute on one
   * replica (§5.1): together with 20^8 possible codes they make guessing hopeless. */
  userCodeGuessesPerSourcePerMinute: z.number().int().min(1).default(10),
  userCodeGuessesPerMinute: z.number().int().min(1).default(120),
});

export const authserverConfigSchema = z.strictObject({
  /** Public HTTP: OAuth endpoints, the verification page, the Connect API. */
  http: hostPort,
  /** The `iss` of Tessera's tokens and the base of its discovery documents. */
  issuer: httpUrl,
  /** Addresses of the proxies in front (the Ingress, a load balancer) whose X-Forwarded-For is
   * believed: the client's address for the confirmation page, sessions and the user-code limits. */
  trustedProxies: z.array(z.union([z.ipv4(), z.ipv6()])).default([]),
  metrics: hostPort,
  /** Client certificate for calling tokenmanager and idp-gateway. */
  tls: tlsFilesSchema.optional(),
  tokenmanager: upstreamSchema,
  idpGateway: upstreamSchema,
  /** AuthDB: device and authorization flows, refresh-token families (hashes only). */
  database: databaseSchema,
  /**
   * The keys that sign Tessera's tokens: PEM PKCS#8 private keys, EC P-256 (ES256) or Ed25519
   * (EdDSA). Every key is published in the JWKS; only `activeKey` signs. Rotation: add the new
   * key and wait until verifiers have fetched the JWKS, make it active, and remove the old key
   * once the longest-lived token it signed has expired.
   */
  signing: keyringSchema,
  /** Audiences (`aud`) Tessera's access tokens may name; the first is the default. The issuer
   * itself when none are listed. RFC 8707 `resource` and RFC 8693 `audience` must be one of them. */
  audiences: z.array(nonEmpty).default([]),
  /** Lifetime of an access token unless a `lifetime:<seconds>` scope asks for less or more. */
  accessTokenLifetime: duration.default(20 * MINUTE),
  /** The most a `lifetime:<seconds>` scope may ask for; more is `invalid_scope`. */
  maxAccessTokenLifetime: duration.default(24 * HOUR),
  /** Absolute lifetime of a session (a refresh-token family): rotation never extends it. */
  sessionLifetime: duration.default(14 * 24 * HOUR),
  /** A refresh token presented again this soon after its rotation (its response was lost)
   * rotates again instead of revoking the family (RFC 9700 §4.14.2 leaves this to the server). */
  refreshTokenReuseGrace: duration.default(10_000),
  /** How long an authorization code may wait to be redeemed (RFC 6749 §4.1.2: short). */
  authorizationCodeLifetime: duration.default(MINUTE),
  /** How long a browser login (choosing an IdP, logging in there, choosing a group) may take. */
  loginLifetime: duration.default(15 * MINUTE),
  deviceFlow: deviceFlowSchema.default({
    lifetime: 30 * MINUTE,
    interval: 5_000,
    userCodeGuessesPerSourcePerMinute: 10,
    userCodeGuessesPerMinute: 120,
  }),
  /** How often expired flows and sessions are deleted from AuthDB. */
  cleanupInterval: duration.default(MINUTE),
});

export type AuthserverConfig = Omit<z.output<typeof authserverConfigSchema>, 'tls'> & { tls: TlsFiles };
