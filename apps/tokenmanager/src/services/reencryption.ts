import type { TokenDb } from '../storage/stores.js';

const BATCH = 100;

/**
 * Re-seals every stored secret under the keyring's active key, online: small transactions, each
 * holding the locks of its rows only, so tokenmanager keeps serving meanwhile. Returns how many
 * values were re-sealed.
 */
export async function reencryptAll(db: TokenDb): Promise<{ tokens: number; revocations: number }> {
  const total = { tokens: 0, revocations: 0 };
  for (;;) {
    const done = await db.transaction(async (stores) => ({ tokens: await stores.tokens.reencrypt(BATCH), revocations: await stores.outbox.reencrypt(BATCH) }));
    total.tokens += done.tokens;
    total.revocations += done.revocations;
    if (done.tokens < BATCH && done.revocations < BATCH) return total;
  }
}
