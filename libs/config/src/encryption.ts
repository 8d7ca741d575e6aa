import { z } from 'zod';
import { quote } from './config-error.js';
import { secret } from './secret-schema.js';

const KEY_ID = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * The keyring that encrypts stored tokens at rest (AES-256-GCM). Every key is 32 random bytes,
 * base64-encoded (`openssl rand -base64 32`), named by an id that is stored with each row. New
 * rows are written under `activeKey`; the others still decrypt, so a key is rotated by adding a
 * new one, making it active, re-encrypting (`npm run migrate -- --reencrypt`),
 * and only then removing the old one.
 */
export const encryptionSchema = z
  .strictObject({
    activeKey: z.string().regex(KEY_ID, { error: 'expected a key id of letters, digits, ".", "_" or "-"' }),
    keys: z.record(z.string().regex(KEY_ID, { error: 'expected a key id of letters, digits, ".", "_" or "-"' }), secret),
  })
  .superRefine((ring, ctx) => {
    if (!Object.hasOwn(ring.keys, ring.activeKey)) {
      ctx.addIssue({ code: 'custom', path: ['activeKey'], message: `no key ${quote(ring.activeKey)} in keys (known: ${Object.keys(ring.keys).join(', ') || 'none'})` });
    }
  });

export type EncryptionConfig = z.output<typeof encryptionSchema>;

/** The rule every keyring secret must pass (checked by the app that reads it, at start-up). */
export function keyProblem(value: string): string | undefined {
  const bytes = Buffer.from(value, 'base64');
  return bytes.length === 32 && bytes.toString('base64') === value.trim() ? undefined : 'must be 32 bytes, base64-encoded (openssl rand -base64 32)';
}
