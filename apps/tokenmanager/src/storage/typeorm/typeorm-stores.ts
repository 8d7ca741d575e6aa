import type { EntityManager } from 'typeorm';
import type { TokenCipher } from '../../crypto/token-cipher.js';
import type { TokenStores } from '../stores.js';
import { TypeormAccessTokenCache } from './typeorm-access-token-cache.js';
import { TypeormRevocationOutbox } from './typeorm-revocation-outbox.js';
import { TypeormStoredTokens } from './typeorm-stored-tokens.js';
import { TypeormTokenHistory } from './typeorm-token-history.js';

/** The stores of one transaction, over its entity manager; `canLock` is false on SQLite, which has
 * no row locks (its transactions run one at a time instead). */
export function typeormStores(manager: EntityManager, cipher: TokenCipher, canLock: boolean): TokenStores {
  return { tokens: new TypeormStoredTokens(manager, cipher, canLock), cache: new TypeormAccessTokenCache(manager, cipher), history: new TypeormTokenHistory(manager), outbox: new TypeormRevocationOutbox(manager, cipher, canLock) };
}
