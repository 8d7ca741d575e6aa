import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import type { DatabaseConfig } from '@tessera/config';
import type { DataSource } from 'typeorm';
import type { Dialect } from '../create-data-source.js';
import { createTestDatabase, DIALECTS, type TestDatabase } from './test-databases.js';

/**
 * The migrations are the schema: runs every migration on a fresh database, asks TypeORM what it
 * would still change to match the entities (the drift check `migration:generate --check` makes),
 * then reverts every migration and lists the tables left besides the migrations table. Both lists
 * should be empty.
 */
export async function migrationRoundTrip(dataSource: DataSource, dialect: Dialect): Promise<{ drift: string[]; tablesLeft: string[] }> {
  await dataSource.runMigrations();
  const drift = (await dataSource.driver.createSchemaBuilder().log()).upQueries.map((q) => q.query);
  for (let n = dataSource.migrations.length; n > 0; n--) await dataSource.undoLastMigration();
  const tables = (await dataSource.query(dialect === 'mariadb' ? 'SHOW TABLES' : "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")) as Record<string, string>[];
  const migrationsTable = dataSource.options.migrationsTableName;
  return { drift, tablesLeft: tables.map((t) => Object.values(t)[0]!).filter((name) => name !== migrationsTable) };
}

/** The round trip as a test on each dialect, for an app's `migrations.int.spec.ts`. */
export function testMigrationRoundTrip(name: string, createDataSource: (database: DatabaseConfig) => { dataSource: DataSource; dialect: Dialect }): void {
  for (const dialect of DIALECTS) {
    describe(`${name} migrations on ${dialect}`, () => {
      let database: TestDatabase | undefined;
      after(async () => database?.drop());

      test('leave no drift from the entities, and revert cleanly', async () => {
        database = await createTestDatabase(dialect, { name: name.toLowerCase() });
        const { dataSource } = createDataSource(database.config);
        await dataSource.initialize();
        try {
          const { drift, tablesLeft } = await migrationRoundTrip(dataSource, dialect);
          assert.deepEqual(drift, [], 'the entities match the migrated schema');
          assert.deepEqual(tablesLeft, [], 'reverting every migration leaves no table');
        } finally {
          await dataSource.destroy();
        }
      });
    });
  }
}
