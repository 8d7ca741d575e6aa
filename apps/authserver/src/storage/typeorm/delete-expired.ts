import { In, type EntityManager, type EntitySchema, type FindOptionsOrder, type FindOptionsSelect, type FindOptionsWhere, type ObjectLiteral } from 'typeorm';

/**
 * Deletes at most `limit` rows that match `where` (objects in an array: any of them), first in
 * `order`: their keys are read first and `where` is checked again on delete, because DELETE …
 * LIMIT is MariaDB's only. Expiry never moves back, so a row chosen stays due. Returns the keys
 * chosen and how many rows this call deleted (another replica's cleanup may have taken some).
 */
export async function deleteExpired<Row extends ObjectLiteral>(
  manager: EntityManager,
  entity: EntitySchema<Row>,
  key: keyof Row & string,
  query: { where: FindOptionsWhere<Row>[]; order: FindOptionsOrder<Row>; limit: number },
): Promise<{ keys: string[]; deleted: number }> {
  const repository = manager.getRepository(entity);
  const rows = await repository.find({ select: { [key]: true } as FindOptionsSelect<Row>, where: query.where, order: query.order, take: query.limit });
  const keys = rows.map((row) => row[key] as string);
  if (keys.length === 0) return { keys, deleted: 0 };
  const chosen = query.where.map((where) => ({ ...where, [key]: In(keys) }));
  const result = await repository.createQueryBuilder().delete().where(chosen).execute();
  return { keys, deleted: result.affected ?? keys.length };
}
