import { createLocalJWKSet, createRemoteJWKSet, jwtVerify, type JSONWebKeySet, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import type { Property, RegistryConfig } from '@tessera/config';
import { ACCESS_TOKEN_TYPE, REQUIRED_CLAIMS, SIGNING_ALGORITHMS, type UserAccessTokenClaims } from './claims.js';
import { AccessTokenKeysUnavailable, AccessTokenRefused, refusalOf } from './refusals.js';

/** The user a verified token names, as libs/rpc's `UserCaller` wants it (without `kind`, `via`). */
export interface AccessTokenUser {
  readonly id: string;
  readonly group: string;
  readonly vo: string;
  /** The group's properties in the registry now, not when the token was issued. */
  readonly properties: ReadonlySet<Property>;
  readonly scopes: readonly string[];
  readonly tokenId: string;
  readonly expiresAt: Date;
}

/**
 * Shaped as libs/rpc's `UserTokenVerifier` (which this domain library may not import): refusals
 * are thrown as `AccessTokenRefused` (`rejected: true`), anything else means "cannot verify now".
 */
export interface AccessTokenVerifier {
  verify(token: string): Promise<AccessTokenUser>;
}

/** How a remote JWKS is cached (jose's `createRemoteJWKSet` does the fetching). */
export interface RemoteKeysOptions {
  /** After a fetch, how long a token with an unknown `kid` waits before it may cause another:
   * what a flood of forged `kid`s can cost the authserver. */
  cooldownMs?: number;
  /** How long fetched keys are used before they are fetched again: the longest a key removed
   * from the JWKS is still honoured. */
  cacheMaxAgeMs?: number;
  timeoutMs?: number;
}

export interface AccessTokenVerifierOptions {
  /** The authserver's issuer URL (`iss`). */
  issuer: string;
  /** This service's identifier: a token must name it in `aud` (RFC 9068 §4). */
  audience: string;
  /** The authserver's public keys: a JWKS in hand, or its URL (fetched when first needed). */
  keys: JSONWebKeySet | URL;
  /** Who is in which group now: a token for a group or membership that is gone is refused. */
  registry: RegistryConfig;
  clock?: () => Date;
  remote?: RemoteKeysOptions;
}

/** Clocks drift a little between the authserver and its verifiers; tokens live minutes. */
const CLOCK_TOLERANCE_S = 5;
const REMOTE_DEFAULTS = { cooldownMs: 10_000, cacheMaxAgeMs: 10 * 60_000, timeoutMs: 3_000 };

const isNonEmpty = (value: unknown): value is string => typeof value === 'string' && value !== '';
const isOptionalString = (value: unknown) => value === undefined || typeof value === 'string';

/** Verifies Tessera's user access tokens (RFC 9068) with jose, and finds their user in the registry. */
export function createAccessTokenVerifier(options: AccessTokenVerifierOptions): AccessTokenVerifier {
  const { issuer, audience, registry, clock } = options;
  const { keys, source } = keysOf(options.keys, options.remote);
  return {
    async verify(token) {
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(token, keys, {
          algorithms: [...SIGNING_ALGORITHMS],
          typ: ACCESS_TOKEN_TYPE,
          issuer,
          audience,
          clockTolerance: CLOCK_TOLERANCE_S,
          requiredClaims: [...REQUIRED_CLAIMS],
          ...(clock ? { currentDate: clock() } : {}),
        }));
      } catch (error) {
        const reason = refusalOf(error);
        if (reason) throw new AccessTokenRefused(reason);
        throw new AccessTokenKeysUnavailable(source, { cause: error });
      }
      return userOf(claimsOf(payload), registry);
    },
  };
}

/** The key resolver for jwtVerify. A remote JWKS is fetched when first needed, not here: the
 * authserver may start after its verifiers. jose refetches it when a token names a `kid` it has
 * not seen (a rotated key) once the cooldown has passed, and when the cache is older than its
 * maximum age. The cache is jose's alone: only its fetch replaces it, one fetch at a time, shared
 * by the verifications waiting for it. */
function keysOf(keys: JSONWebKeySet | URL, remote: RemoteKeysOptions = {}): { keys: JWTVerifyGetKey; source: string } {
  if (!(keys instanceof URL)) return { keys: createLocalJWKSet(keys), source: 'the local JWKS' };
  const jwks = createRemoteJWKSet(keys, {
    cooldownDuration: remote.cooldownMs ?? REMOTE_DEFAULTS.cooldownMs,
    cacheMaxAge: remote.cacheMaxAgeMs ?? REMOTE_DEFAULTS.cacheMaxAgeMs,
    timeoutDuration: remote.timeoutMs ?? REMOTE_DEFAULTS.timeoutMs,
  });
  return { keys: jwks, source: keys.href };
}

/** jose checked presence and the registered claims' values; the types of the rest are ours to check. */
function claimsOf(payload: JWTPayload): UserAccessTokenClaims {
  const p = payload as Record<string, unknown>;
  if (!isNonEmpty(p.sub) || !isNonEmpty(p.jti) || !isNonEmpty(p.client_id) || typeof p.exp !== 'number') throw new AccessTokenRefused('claims');
  if (!isOptionalString(p.scope) || !isOptionalString(p.group) || !isOptionalString(p.vo)) throw new AccessTokenRefused('claims');
  // A client-credentials token has no group: it is the client's, and this verifier is for users.
  if (p.group === undefined) throw new AccessTokenRefused('not-a-user-token');
  if (!isNonEmpty(p.group) || !isNonEmpty(p.vo)) throw new AccessTokenRefused('claims');
  return p as unknown as UserAccessTokenClaims;
}

/** The registry decides now: a group removed, a user taken out of it or a group moved to another
 * VO since the token was issued refuses the token. */
function userOf(claims: UserAccessTokenClaims, registry: RegistryConfig): AccessTokenUser {
  const group = Object.hasOwn(registry.groups, claims.group) ? registry.groups[claims.group] : undefined;
  if (!group || group.vo !== claims.vo) throw new AccessTokenRefused('unknown-group');
  const user = Object.hasOwn(registry.users, claims.sub) ? registry.users[claims.sub] : undefined;
  if (!user?.groups.includes(claims.group)) throw new AccessTokenRefused('not-in-group');
  return {
    id: claims.sub,
    group: claims.group,
    vo: claims.vo,
    properties: new Set(group.properties),
    scopes: (claims.scope ?? '').split(' ').filter((s) => s !== ''),
    tokenId: claims.jti,
    expiresAt: new Date(claims.exp * 1000),
  };
}
