import { randomUUID } from 'node:crypto';
import type { AccessTokenClaims } from '@tessera/access-tokens';
import { scopeText } from '../oauth/scopes.js';
import type { Grant, TokenResponse } from './grant.js';

/** Signs with the active key: access tokens (`typ: at+jwt`) and ID tokens (`typ: JWT`). */
export interface JwtSigner {
  sign(claims: AccessTokenClaims): string;
  signIdToken(claims: Readonly<Record<string, unknown>>): string;
}

export interface TokenServiceOptions {
  readonly issuer: string;
  readonly accessTokenLifetime: number;
  readonly clock?: () => number;
}

/**
 * Turns a grant into Tessera's tokens: an RFC 9068 access token (`at+jwt`) and, for OpenID
 * requests with a user, an ID token (OIDC Core §2). The refresh token comes from the session.
 */
export class TokenService {
  readonly #signer: JwtSigner;
  readonly #options: TokenServiceOptions;
  readonly #now: () => number;

  constructor(signer: JwtSigner, options: TokenServiceOptions) {
    this.#signer = signer;
    this.#options = options;
    this.#now = options.clock ?? Date.now;
  }

  /** `idToken: false` for grants that issue no ID token whatever the scope (token exchange). */
  respond(grant: Grant, { idToken = true } = {}): TokenResponse {
    const iat = Math.floor(this.#now() / 1000);
    const lifetime = Math.floor((grant.scope.lifetimeMs ?? this.#options.accessTokenLifetime) / 1000);
    const user = grant.identity;
    const claims: AccessTokenClaims = {
      iss: this.#options.issuer,
      sub: user?.userId ?? grant.client.id,
      aud: grant.audience,
      iat,
      exp: iat + lifetime,
      jti: randomUUID(),
      client_id: grant.client.id,
      scope: scopeText(grant.scope.tokens),
    };
    if (user) Object.assign(claims, { group: user.group, vo: user.vo, idp: user.provider, idp_sub: user.providerSubject });
    if (grant.session) claims.sid = grant.session.id;
    const response: TokenResponse = {
      access_token: this.#signer.sign(claims),
      token_type: 'Bearer',
      expires_in: lifetime,
      scope: scopeText(grant.scope.tokens),
    };
    if (grant.session?.refreshToken) response.refresh_token = grant.session.refreshToken;
    if (idToken && user && grant.scope.openid) {
      const idClaims: Record<string, unknown> = { iss: this.#options.issuer, sub: user.userId, aud: grant.client.id, iat, exp: iat + lifetime, azp: grant.client.id };
      if (grant.nonce) idClaims['nonce'] = grant.nonce;
      if (grant.session) idClaims['sid'] = grant.session.id;
      if (grant.scope.profile) Object.assign(idClaims, { preferred_username: user.userId, group: user.group, vo: user.vo });
      response.id_token = this.#signer.signIdToken(idClaims);
    }
    return response;
  }
}
