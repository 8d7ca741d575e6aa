import type { Property } from '@tessera/config';

/**
 * A stand-in for the verification of Tessera's access tokens (it comes with the authserver): the
 * token `<id>-token` is that user's, in that group with those properties; any other is refused.
 * For tests of the caller seam, not of token verification. Shaped as libs/rpc's UserTokenVerifier,
 * which this library cannot import (libs/rpc's own tests use this library).
 */
export function standInUserTokens(user: { id: string; group: string; properties: Property[] }) {
  return {
    async verify(token: string) {
      if (token !== `${user.id}-token`) throw Object.assign(new Error('the access token is not valid'), { rejected: true });
      return { id: user.id, group: user.group, vo: 'dirac', properties: new Set(user.properties), scopes: [], tokenId: 'jti', expiresAt: new Date(Date.now() + 60_000) };
    },
  };
}
