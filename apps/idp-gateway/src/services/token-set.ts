import type { MessageInitShape } from '@bufbuild/protobuf';
import { timestampFromMs, type Timestamp } from '@bufbuild/protobuf/wkt';
import type { idpgatewayV1 } from '@tessera/contracts';
import type { TokenEndpointResponse } from 'openid-client';

export type TokenSetInit = MessageInitShape<typeof idpgatewayV1.TokenSetSchema>;

export interface ShapedTokens {
  tokenSet: TokenSetInit;
  refusedScopes: string[];
}

export const splitScopes = (scope: string | undefined): string[] => (scope ?? '').split(' ').filter((s) => s !== '');
export const unique = (values: Iterable<string>): string[] => [...new Set(values)];

/** The longest lifetime taken from an IdP. */
export const MAX_LIFETIME_S = 10 * 365 * 24 * 3600;
/** How far in the future an IdP's clock may put a past instant (`auth_time`). */
export const CLOCK_SKEW_S = 5 * 60;

/**
 * When something the IdP gave `seconds` of lifetime at `receivedAt` ends; undefined when the value
 * is not a positive number of at most {@link MAX_LIFETIME_S} (fractions are cut: earlier is safe).
 * An unusable value is dropped rather than clamped: the contract reads a missing expiry as
 * "unknown", so a caller looks at the token itself or asks again, whereas a made-up date would be
 * trusted (an access token cached for ten years). Zero is dropped too: Keycloak's
 * `refresh_expires_in: 0` means "does not expire by time", not "already expired". Never throws:
 * by now the IdP may have rotated the refresh token, which must reach the caller.
 */
export function expiryAfter(receivedAt: number, seconds: unknown): Timestamp | undefined {
  if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds > MAX_LIFETIME_S) return undefined;
  const whole = Math.floor(seconds);
  return whole > 0 ? timestampFromMs(Math.floor(receivedAt) + whole * 1000) : undefined;
}

/**
 * A past instant the IdP states in seconds since the epoch (`auth_time`); undefined when it is not
 * a positive number, or lies in the future by more than {@link CLOCK_SKEW_S} (a login that has not
 * happened yet would look fresh forever to a caller checking how recent it is). Never throws.
 */
export function instantAt(epochSeconds: unknown, now = Date.now()): Timestamp | undefined {
  if (typeof epochSeconds !== 'number' || !Number.isFinite(epochSeconds) || epochSeconds <= 0) return undefined;
  const whole = Math.floor(epochSeconds);
  return whole * 1000 <= now + CLOCK_SKEW_S * 1000 ? timestampFromMs(whole * 1000) : undefined;
}

/**
 * A token endpoint response as a TokenSet with absolute times. When the IdP names the scopes it
 * granted, the requested ones it left out are reported (RFC 6749 §5.1: an absent `scope` means
 * exactly what was requested). Never throws on what the IdP sent (see {@link expiryAfter}).
 */
export function shapeTokens(response: TokenEndpointResponse, requested: readonly string[], clientId: string, receivedAt = Date.now()): ShapedTokens {
  const granted = typeof response.scope === 'string' ? splitScopes(response.scope) : [...requested];
  const expiresAt = expiryAfter(receivedAt, response.expires_in);
  const refreshExpiresAt = expiryAfter(receivedAt, response.refresh_expires_in);
  return {
    tokenSet: {
      accessToken: response.access_token,
      refreshToken: response.refresh_token ?? '',
      idToken: response.id_token ?? '',
      tokenType: response.token_type,
      scopes: granted,
      issuedAt: timestampFromMs(Math.floor(receivedAt)),
      ...(expiresAt ? { expiresAt } : {}),
      ...(refreshExpiresAt ? { refreshExpiresAt } : {}),
      clientId,
    },
    refusedScopes: requested.filter((s) => !granted.includes(s)),
  };
}
