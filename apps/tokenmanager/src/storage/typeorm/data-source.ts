import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { DatabaseConfig } from '@tessera/config';
import { DataSource, type MigrationInterface } from 'typeorm';
import { ENTITIES } from './entities.js';
import { MARIADB_MIGRATIONS, SQLITE_MIGRATIONS } from './migrations/index.js';

export type Dialect = 'mariadb' | 'sqlite';

/**
 * TokenDB's TypeORM data source, never `synchronize`d: the schema comes from the migrations,
 * kept per dialect and listed explicitly. MariaDB/MySQL through mysql2; the embedded default is
 * SQLite through sql.js (WebAssembly: nothing to compile at `npm ci`, where better-sqlite3 took
 * a measured 60 s to build from source), saved to its file after every write by writing a
 * temporary file and renaming it, so a crash leaves the old file or the new one, never half of one.
 */
export function createDataSource(database: DatabaseConfig): { dataSource: DataSource; dialect: Dialect } {
  if (database.type === 'mariadb') {
    return {
      dialect: 'mariadb',
      dataSource: new DataSource({
        type: 'mariadb',
        url: database.url.reveal(),
        entities: ENTITIES,
        migrations: MARIADB_MIGRATIONS as (new () => MigrationInterface)[],
        migrationsTableName: 'tessera_migrations',
        synchronize: false,
        logging: false,
        timezone: 'Z',
        poolSize: 10,
        extra: { connectTimeout: 5000 },
      }),
    };
  }
  const location = database.path === ':memory:' ? undefined : database.path;
  return {
    dialect: 'sqlite',
    dataSource: new DataSource({
      type: 'sqljs',
      ...(location ? { location, autoSave: true, autoSaveCallback: (bytes: Uint8Array) => saveAtomically(location, bytes) } : {}),
      entities: ENTITIES,
      migrations: SQLITE_MIGRATIONS as (new () => MigrationInterface)[],
      migrationsTableName: 'tessera_migrations',
      synchronize: false,
      logging: false,
    }),
  };
}

function saveAtomically(path: string, bytes: Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, bytes, { mode: 0o600 });
  renameSync(temporary, path);
}
