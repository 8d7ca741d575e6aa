import type { TokenDb } from '../storage/stores.js';

const BATCH = 100;

/**
 * Re-seals every stored secret under the keyring's active key, online: small transactions, each
 * holding the locks of its rows only (waiting for a row a refresh holds), so tokenmanager keeps
 * serving meanwhile. Returns how many were re-sealed, and how many stored tokens are left under
 * a key the keyring no longer has.
 */
export async function reencryptAll(db: TokenDb): Promise<{ tokens: number; revocations: number; left: number }> {
  const total = { tokens: 0, revocations: 0 };
  for (;;) {
    const done = await db.transaction(async (stores) => ({ tokens: await stores.tokens.reencrypt(BATCH), revocations: await stores.outbox.reencrypt(BATCH) }));
    total.tokens += done.tokens;
    total.revocations += done.revocations;
    if (done.tokens === 0 && done.revocations === 0) break;
  }
  // What still is not under the active key cannot be opened by the keyring: the audit reports it.
  return { ...total, left: await db.transaction((stores) => stores.tokens.sealedWithOtherKeys()) };
}
