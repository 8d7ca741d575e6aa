/** What the CLI reads from a Tessera access token (an RFC 9068 JWT) without verifying it: only
 * to show it and to know when to refresh. Services verify it; the CLI merely carries it. */
export interface AccessTokenClaims {
  readonly sub?: string;
  readonly group?: string;
  readonly scope?: string;
  /** Seconds since the epoch. */
  readonly exp?: number;
  readonly iss?: string;
}

export function peekClaims(token: string): AccessTokenClaims | undefined {
  const payload = token.split('.')[1];
  if (payload === undefined) return undefined;
  try {
    const claims: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    return typeof claims === 'object' && claims !== null ? (claims as AccessTokenClaims) : undefined;
  } catch {
    return undefined;
  }
}

/** When the token expires, if it says. */
export function expiryOf(token: string): Date | undefined {
  const exp = peekClaims(token)?.exp;
  return typeof exp === 'number' ? new Date(exp * 1000) : undefined;
}
