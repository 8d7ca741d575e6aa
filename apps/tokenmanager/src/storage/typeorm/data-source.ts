import type { DatabaseConfig } from '@tessera/config';
import { createDataSource as createTypeormDataSource, type Dialect } from '@tessera/database';
import type { DataSource } from 'typeorm';
import { ENTITIES } from './entities.js';
import { MARIADB_MIGRATIONS, SQLITE_MIGRATIONS } from './migrations/index.js';

/** TokenDB's TypeORM data source (see @tessera/database): its entities and its migrations. */
export function createDataSource(database: DatabaseConfig): { dataSource: DataSource; dialect: Dialect } {
  return createTypeormDataSource(database, { entities: ENTITIES, migrations: { mariadb: MARIADB_MIGRATIONS, sqlite: SQLITE_MIGRATIONS }, migrationsTableName: 'tessera_migrations' });
}
