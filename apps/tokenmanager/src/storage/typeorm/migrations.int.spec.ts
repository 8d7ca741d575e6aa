// The migrations are the schema: on both dialects, after they ran, TypeORM finds nothing to change
// between the entities and the database (the drift check that `migration:generate --check` makes),
// and they revert cleanly.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../../testing/test-databases.js';
import { createDataSource } from './data-source.js';

for (const dialect of DIALECTS) {
  describe(`TokenDB migrations on ${dialect}`, () => {
    let database: TestDatabase | undefined;
    after(async () => database?.drop());

    test('leave no drift from the entities, and revert cleanly', async () => {
      database = await createTestDatabase(dialect);
      const { dataSource } = createDataSource(database.config);
      await dataSource.initialize();
      try {
        await dataSource.runMigrations();
        const drift = await dataSource.driver.createSchemaBuilder().log();
        assert.deepEqual(drift.upQueries.map((q) => q.query), [], 'the entities match the migrated schema');
        for (let n = dataSource.migrations.length; n > 0; n--) await dataSource.undoLastMigration();
        const tables = await dataSource.query(dialect === 'mariadb' ? 'SHOW TABLES' : "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'");
        assert.deepEqual((tables as Record<string, string>[]).map((t) => Object.values(t)[0]).filter((n) => n !== 'tessera_migrations'), []);
      } finally {
        await dataSource.destroy();
      }
    });
  });
}
