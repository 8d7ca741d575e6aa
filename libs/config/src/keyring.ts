import { z } from 'zod';
import { quote } from './config-error.js';
import { secret } from './secret-schema.js';

const KEY_ID = /^[A-Za-z0-9._-]{1,64}$/;
const keyId = z.string().regex(KEY_ID, { error: 'expected a key id of letters, digits, ".", "_" or "-"' });

/**
 * Named secret keys of which one is in use (`activeKey`) and the others are still honoured, so
 * that a key is rotated by adding the new one first and removing the old one last. The id is
 * stored or sent with whatever the key protects (a TokenDB row, a JWT's `kid`).
 */
export const keyringSchema = z
  .strictObject({ activeKey: keyId, keys: z.record(keyId, secret) })
  .superRefine((ring, ctx) => {
    if (!Object.hasOwn(ring.keys, ring.activeKey)) {
      ctx.addIssue({ code: 'custom', path: ['activeKey'], message: `no key ${quote(ring.activeKey)} in keys (known: ${Object.keys(ring.keys).join(', ') || 'none'})` });
    }
  });

export type KeyringConfig = z.output<typeof keyringSchema>;
