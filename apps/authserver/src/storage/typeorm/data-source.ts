import type { DatabaseConfig } from '@tessera/config';
import { createDataSource as createTypeormDataSource, migrateUnderLock, type Dialect } from '@tessera/database';
import type { DataSource } from 'typeorm';
import { ENTITIES } from './entities.js';
import { MARIADB_MIGRATIONS, SQLITE_MIGRATIONS } from './migrations/index.js';

/** AuthDB's TypeORM data source (see @tessera/database). Its migrations table is its own, so
 * AuthDB and TokenDB could even share one MariaDB database. */
export function createAuthDataSource(database: DatabaseConfig): { dataSource: DataSource; dialect: Dialect } {
  return createTypeormDataSource(database, { entities: ENTITIES, migrations: { mariadb: MARIADB_MIGRATIONS, sqlite: SQLITE_MIGRATIONS }, migrationsTableName: 'tessera_authdb_migrations' });
}

/** Runs AuthDB's pending migrations, on MariaDB under a named lock; returns their names. */
export function migrateAuthDb(dataSource: DataSource, dialect: Dialect): Promise<string[]> {
  return migrateUnderLock(dataSource, dialect, { lock: 'tessera_authdb_migrate', database: 'AuthDB' });
}
