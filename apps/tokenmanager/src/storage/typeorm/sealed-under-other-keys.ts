import type { ObjectLiteral, Repository } from 'typeorm';
import type { TokenCipher } from '../../crypto/token-cipher.js';

/**
 * The next rows to re-seal under the keyring's active key: sealed by another key the keyring still
 * has (rows whose key is gone cannot be opened and are left for the audit), oldest first, locked.
 * No SKIP LOCKED: a row another transaction holds is waited for, since every row must be re-sealed
 * before the old key can go.
 */
export function sealedUnderOtherKeys<Row extends ObjectLiteral>(repository: Repository<Row>, cipher: TokenCipher, canLock: boolean, limit: number): Promise<Row[]> {
  const query = repository
    .createQueryBuilder('row')
    .where('row.encryptionKeyId <> :active', { active: cipher.activeKeyId })
    .andWhere('row.encryptionKeyId IN (:...known)', { known: cipher.keyIds })
    .orderBy('row.id', 'ASC')
    .take(limit);
  if (canLock) query.setLock('pessimistic_write');
  return query.getMany();
}
