import { migrateUnderLock as migrate, type Dialect } from '@tessera/database';
import type { DataSource } from 'typeorm';

/** Runs TokenDB's pending migrations, on MariaDB under a named lock (see @tessera/database). */
export function migrateUnderLock(dataSource: DataSource, dialect: Dialect): Promise<string[]> {
  return migrate(dataSource, dialect, { lock: 'tessera_tokendb_migrate', database: 'TokenDB' });
}
