import { createHash, randomBytes, randomInt } from 'node:crypto';

/** A new bearer secret (refresh token, device code, authorization code): 256 random bits with a
 * prefix that says what it is, so secret scanners and people can tell. */
export function newSecret(prefix: 'tsr' | 'tsd' | 'tsc'): string {
  return `${prefix}_${randomBytes(32).toString('base64url')}`;
}

/** What AuthDB stores of a secret. A plain SHA-256 suffices: the secrets are random 256-bit
 * values, so there is nothing to guess (fosite stores an HMAC for the same reason). */
export function secretHash(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('base64url');
}

/** A random public id (flows, sessions): not a secret, just unguessable and unique. */
export function newId(): string {
  return randomBytes(16).toString('base64url');
}

// RFC 8628 §6.1: consonants only (no vowels: no words), no look-alikes such as 0/O or 1/I.
const USER_CODE_ALPHABET = 'BCDFGHJKLMNPQRSTVWXZ';
const USER_CODE_LENGTH = 8;

/** A user code, normalised (8 characters, no dash): 20^8 ≈ 2.6 × 10^10 possibilities. */
export function newUserCode(): string {
  let code = '';
  for (let i = 0; i < USER_CODE_LENGTH; i++) code += USER_CODE_ALPHABET[randomInt(USER_CODE_ALPHABET.length)];
  return code;
}

/** As the user reads it: `BCDF-GHJK` for a code of 8 letters (however it was typed); anything
 * else as it came, so that a page shows back what was typed. */
export function displayUserCode(code: string): string {
  const letters = code.replace(/[\s-]/g, '').toUpperCase();
  return /^[A-Z]{8}$/.test(letters) ? `${letters.slice(0, 4)}-${letters.slice(4)}` : code;
}

/** What the user typed, normalised: any case, dashes and spaces ignored (RFC 8628 §6.1); undefined
 * when it cannot be a user code at all. */
export function normaliseUserCode(typed: string): string | undefined {
  const code = typed.toUpperCase().replace(/[\s-]/g, '');
  return code.length === USER_CODE_LENGTH && [...code].every((c) => USER_CODE_ALPHABET.includes(c)) ? code : undefined;
}
