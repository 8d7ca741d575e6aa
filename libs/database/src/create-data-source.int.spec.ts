// The embedded SQLite file: every write is saved at once, by a rename (no temporary file is left),
// and a new process finds it; on MariaDB two migration runs at once apply each migration once.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { EntitySchema, type MigrationInterface, type QueryRunner } from 'typeorm';
import { createDataSource, type DatabaseSchema } from './create-data-source.js';
import { migrateUnderLock } from './migrate-under-lock.js';
import { createTestDatabase, type TestDatabase } from './testing/test-databases.js';

const Note = new EntitySchema<{ id: string; body: string }>({ name: 'Note', tableName: 'notes', columns: { id: { type: 'varchar', length: 16, primary: true }, body: { type: 'varchar', length: 64 } } });

class Notes1700000000000 implements MigrationInterface {
  name = 'Notes1700000000000';
  async up(queryRunner: QueryRunner) {
    await queryRunner.query('CREATE TABLE notes (id varchar(16) NOT NULL PRIMARY KEY, body varchar(64) NOT NULL)');
  }
  async down(queryRunner: QueryRunner) {
    await queryRunner.query('DROP TABLE notes');
  }
}

const schema: DatabaseSchema = { entities: [Note], migrations: { mariadb: [Notes1700000000000], sqlite: [Notes1700000000000] }, migrationsTableName: 'test_migrations' };
const databases: TestDatabase[] = [];
after(async () => Promise.all(databases.map((d) => d.drop())));

test('an SQLite file is saved atomically after each write and read back when opened again', async () => {
  const database = await createTestDatabase('sqlite', { name: 'notes' });
  databases.push(database);
  const path = database.name;
  const first = createDataSource(database.config, schema);
  await first.dataSource.initialize();
  assert.deepEqual(await migrateUnderLock(first.dataSource, first.dialect, { lock: 'unused', database: 'NotesDB' }), ['Notes1700000000000']);
  await first.dataSource.getRepository(Note).insert({ id: 'n1', body: 'kept' });
  assert.ok(existsSync(path));
  assert.deepEqual(readdirSync(dirname(path)), ['notes.sqlite'], 'no temporary file left behind');
  await first.dataSource.destroy();

  const again = createDataSource(database.config, schema);
  await again.dataSource.initialize();
  try {
    assert.equal(await again.dataSource.showMigrations(), false);
    assert.deepEqual(await again.dataSource.getRepository(Note).findOneBy({ id: 'n1' }), { id: 'n1', body: 'kept' });
  } finally {
    await again.dataSource.destroy();
  }
});

test('two migration runs at once on MariaDB: one applies, the other waits and finds nothing to do', async () => {
  const database = await createTestDatabase('mariadb');
  databases.push(database);
  const sources = [createDataSource(database.config, schema), createDataSource(database.config, schema)];
  await Promise.all(sources.map((s) => s.dataSource.initialize()));
  try {
    const runs = await Promise.all(sources.map((s) => migrateUnderLock(s.dataSource, s.dialect, { lock: `lock_${database.name}`, database: 'NotesDB' })));
    assert.deepEqual(runs.map((applied) => applied.length).sort(), [0, 1]);
  } finally {
    await Promise.all(sources.map((s) => s.dataSource.destroy()));
  }
});
