import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from 'jose';
import { ACCESS_TOKEN_TYPE, REQUIRED_CLAIMS, SIGNING_ALGORITHMS } from '@tessera/access-tokens';
import type { OwnTokenVerifier, VerifiedAccessToken } from '../services/own-tokens.js';

const str = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);

/**
 * Verifies access tokens this authserver issued, user or client tokens alike, for any of its
 * audiences (token exchange, introspection, revocation, userinfo). Only jose verifies; whatever it
 * refuses is simply not one of ours.
 */
export function ownTokenVerifier(options: { issuer: string; audiences: readonly string[]; jwks: JSONWebKeySet; clock?: () => Date }): OwnTokenVerifier {
  const keys = createLocalJWKSet(options.jwks);
  return {
    async verify(token) {
      try {
        const { payload } = await jwtVerify(token, keys, {
          algorithms: [...SIGNING_ALGORITHMS],
          typ: ACCESS_TOKEN_TYPE,
          issuer: options.issuer,
          audience: [...options.audiences],
          requiredClaims: [...REQUIRED_CLAIMS],
          clockTolerance: 5,
          ...(options.clock ? { currentDate: options.clock() } : {}),
        });
        const verified: VerifiedAccessToken = {
          sub: payload.sub!,
          clientId: str(payload['client_id'])!,
          scopes: (str(payload['scope']) ?? '').split(' ').filter((s) => s !== ''),
          jti: payload.jti!,
          issuedAt: payload.iat!,
          expiresAt: payload.exp!,
          audience: typeof payload.aud === 'string' ? [payload.aud] : (payload.aud ?? []),
          group: str(payload['group']),
          vo: str(payload['vo']),
          provider: str(payload['idp']),
          providerSubject: str(payload['idp_sub']),
          sessionId: str(payload['sid']),
        };
        return verified.clientId === undefined ? undefined : verified;
      } catch {
        return undefined;
      }
    },
  };
}
