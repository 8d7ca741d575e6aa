import type { MessageInitShape } from '@bufbuild/protobuf';
import { timestampFromMs } from '@bufbuild/protobuf/wkt';
import type { idpgatewayV1 } from '@tessera/contracts';
import type { TokenEndpointResponse } from 'openid-client';

export type TokenSetInit = MessageInitShape<typeof idpgatewayV1.TokenSetSchema>;

export interface ShapedTokens {
  tokenSet: TokenSetInit;
  refusedScopes: string[];
}

export const splitScopes = (scope: string | undefined): string[] => (scope ?? '').split(' ').filter((s) => s !== '');
export const unique = (values: Iterable<string>): string[] => [...new Set(values)];

/**
 * A token endpoint response as a TokenSet with absolute times. When the IdP names the scopes it
 * granted, the requested ones it left out are reported (RFC 6749 §5.1: an absent `scope` means
 * exactly what was requested).
 */
export function shapeTokens(response: TokenEndpointResponse, requested: readonly string[], clientId: string, receivedAt = Date.now()): ShapedTokens {
  const granted = response.scope === undefined ? [...requested] : splitScopes(response.scope);
  const refreshExpiresIn = typeof response.refresh_expires_in === 'number' ? response.refresh_expires_in : undefined;
  return {
    tokenSet: {
      accessToken: response.access_token,
      refreshToken: response.refresh_token ?? '',
      idToken: response.id_token ?? '',
      tokenType: response.token_type,
      scopes: granted,
      issuedAt: timestampFromMs(receivedAt),
      ...(response.expires_in === undefined ? {} : { expiresAt: timestampFromMs(receivedAt + response.expires_in * 1000) }),
      ...(refreshExpiresIn === undefined ? {} : { refreshExpiresAt: timestampFromMs(receivedAt + refreshExpiresIn * 1000) }),
      clientId,
    },
    refusedScopes: requested.filter((s) => !granted.includes(s)),
  };
}
