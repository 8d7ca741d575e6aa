import { createTestDatabase as createDatabase, type TestDatabase, type TestDialect } from '@tessera/database/testing';

export { DIALECTS, type TestDatabase } from '@tessera/database/testing';

/** A TokenDB of its own for one test (see @tessera/database/testing). */
export function createTestDatabase(dialect: TestDialect): Promise<TestDatabase> {
  return createDatabase(dialect, { name: 'tokendb' });
}
