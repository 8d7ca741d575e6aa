import type { EntityManager, ObjectLiteral, SelectQueryBuilder } from 'typeorm';

/**
 * `forUpdate`: the row stays locked (SELECT … FOR UPDATE) until the transaction ends. A lock needs
 * a transaction on both dialects, so a call that forgot one fails on SQLite as it does on
 * MariaDB; SQLite has no row locks, its transactions run one at a time instead.
 */
export function lockedIf<Row extends ObjectLiteral>(query: SelectQueryBuilder<Row>, manager: EntityManager, canLock: boolean, forUpdate: boolean | undefined): SelectQueryBuilder<Row> {
  if (!forUpdate) return query;
  if (!manager.queryRunner?.isTransactionActive) throw new Error('forUpdate needs a transaction: read the row through AuthDb.transaction');
  return canLock ? query.setLock('pessimistic_write') : query;
}
