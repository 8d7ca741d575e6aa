import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { DatabaseConfig } from '@tessera/config';
import { DataSource, type DataSourceOptions, type MigrationInterface } from 'typeorm';

export type Dialect = 'mariadb' | 'sqlite';

/** What one app's database is made of. */
export interface DatabaseSchema {
  readonly entities: NonNullable<DataSourceOptions['entities']>;
  /** Per dialect, oldest first, listed explicitly: globs break under test runners and match `.d.ts`. */
  readonly migrations: Readonly<Record<Dialect, readonly (new () => MigrationInterface)[]>>;
  readonly migrationsTableName: string;
}

/**
 * A TypeORM data source, never `synchronize`d: the schema comes from the migrations, kept per
 * dialect. MariaDB/MySQL through mysql2; the embedded default is SQLite through sql.js
 * (WebAssembly: nothing to compile at `npm ci`, where better-sqlite3 took a measured 60 s to build
 * from source), saved to its file after every write by writing a temporary file and renaming it,
 * so a crash leaves the old file or the new one, never half of one.
 */
export function createDataSource(database: DatabaseConfig, schema: DatabaseSchema): { dataSource: DataSource; dialect: Dialect } {
  const common = { entities: schema.entities, migrationsTableName: schema.migrationsTableName, synchronize: false, logging: false } as const;
  if (database.type === 'mariadb') {
    return {
      dialect: 'mariadb',
      dataSource: new DataSource({
        ...common,
        type: 'mariadb',
        url: database.url.reveal(),
        migrations: [...schema.migrations.mariadb],
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
      ...common,
      type: 'sqljs',
      ...(location ? { location, autoSave: true, autoSaveCallback: (bytes: Uint8Array) => saveAtomically(location, bytes) } : {}),
      migrations: [...schema.migrations.sqlite],
    }),
  };
}

function saveAtomically(path: string, bytes: Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, bytes, { mode: 0o600 });
  renameSync(temporary, path);
}
