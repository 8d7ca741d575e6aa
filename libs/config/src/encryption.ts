import { keyringSchema, type KeyringConfig } from './keyring.js';

/**
 * The keyring that encrypts stored tokens at rest (AES-256-GCM). Every key is 32 random bytes,
 * base64-encoded (`openssl rand -base64 32`), named by an id that is stored with each row. New
 * rows are written under `activeKey`; the others still decrypt, so a key is rotated by adding a
 * new one, making it active, re-encrypting (`npm run migrate -- --reencrypt`),
 * and only then removing the old one.
 */
export const encryptionSchema = keyringSchema;

export type EncryptionConfig = KeyringConfig;

/** The rule every keyring secret must pass (checked by the app that reads it, at start-up). */
export function keyProblem(value: string): string | undefined {
  const bytes = Buffer.from(value, 'base64');
  return bytes.length === 32 && bytes.toString('base64') === value.trim() ? undefined : 'must be 32 bytes, base64-encoded (openssl rand -base64 32)';
}
