import { decodeJwt, decodeProtectedHeader } from 'jose';

/** The `exp` of a token that is a JWT, read without verifying it: only to learn when the IdP says
 * it ends. Undefined for opaque tokens. */
export function jwtExpiry(token: string): Date | undefined {
  try {
    const { exp } = decodeJwt(token);
    return typeof exp === 'number' && Number.isFinite(exp) && exp > 0 && exp < 1e11 ? new Date(exp * 1000) : undefined;
  } catch {
    return undefined;
  }
}

/** The `kid` header of a token that is a JWT (DIRAC's `kid` column); '' otherwise. */
export function jwtKeyId(token: string): string {
  try {
    const { kid } = decodeProtectedHeader(token);
    return typeof kid === 'string' ? kid.slice(0, 255) : '';
  } catch {
    return '';
  }
}
