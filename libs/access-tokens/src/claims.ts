/** RFC 9068 §2.1: the `typ` header of a JWT access token (verifiers also accept `application/at+jwt`). */
export const ACCESS_TOKEN_TYPE = 'at+jwt';

/**
 * The JWS algorithms Tessera signs its tokens with, and the only ones its verifiers accept
 * (RFC 8725 §3.1: an allowlist, never the token's word; so never `none` nor an HMAC).
 */
export const SIGNING_ALGORITHMS = ['ES256', 'EdDSA'] as const;
export type SigningAlgorithm = (typeof SIGNING_ALGORITHMS)[number];

/**
 * The claim names of Tessera's access tokens, decided once. The registered ones are RFC 7519
 * §4.1, RFC 9068 §2.2 (`client_id`), RFC 8693 §4.2 (`scope`) and OpenID Connect Front-Channel
 * Logout §3 (`sid`); `group`, `vo`, `idp` and `idp_sub` are Tessera's own.
 */
export const CLAIM = {
  issuer: 'iss',
  subject: 'sub',
  audience: 'aud',
  expiresAt: 'exp',
  issuedAt: 'iat',
  notBefore: 'nbf',
  tokenId: 'jti',
  clientId: 'client_id',
  scope: 'scope',
  group: 'group',
  vo: 'vo',
  session: 'sid',
  idp: 'idp',
  idpSubject: 'idp_sub',
} as const;

/** The claims every access token must carry (RFC 9068 §2.2). */
export const REQUIRED_CLAIMS = [CLAIM.issuer, CLAIM.subject, CLAIM.audience, CLAIM.expiresAt, CLAIM.issuedAt, CLAIM.tokenId, CLAIM.clientId] as const;

/**
 * The payload of a Tessera access token. A user's token names the registry user, group and VO; a
 * client-credentials token is the OAuth client's own (`sub` = `client_id`) and has no group or VO.
 */
export interface AccessTokenClaims {
  /** The authserver's issuer URL. */
  iss: string;
  /** The registry user id, or the client id of a client-credentials token. */
  sub: string;
  /** Who the token is for (RFC 9068 §3: one of the authserver's configured audiences). */
  aud: string | string[];
  /** Seconds since the epoch, as every NumericDate (RFC 7519 §2). */
  exp: number;
  iat: number;
  nbf?: number;
  /** Unique per token: logs and revocation lists name a token by it, never by its value. */
  jti: string;
  /** The OAuth client the token was issued to. */
  client_id: string;
  /** Granted scopes, space separated (RFC 6749 §3.3). */
  scope?: string;
  /** The registry group the user acts in; absent on client-credentials tokens. */
  group?: string;
  /** The group's VO; absent on client-credentials tokens. */
  vo?: string;
  /** The login session (refresh-token family) the token comes from, when it comes from a login. */
  sid?: string;
  /** The registry name of the IdP the user logged in with. */
  idp?: string;
  /** The user's subject at that IdP. */
  idp_sub?: string;
}

/** A user's token: one with a group and a VO. */
export type UserAccessTokenClaims = AccessTokenClaims & { group: string; vo: string };
