import type { DatabaseConfig } from '@tessera/config';
import type { TokenCipher } from '../crypto/token-cipher.js';
import type { TokenDb } from './stores.js';
import { createDataSource } from './typeorm/data-source.js';
import { TypeormTokenDb } from './typeorm/typeorm-token-db.js';

export interface OpenedTokenDb {
  readonly db: TokenDb;
  /** Runs the migrations still pending; returns their names. */
  migrate(): Promise<string[]>;
  /** Migrations not yet applied. */
  pending(): Promise<boolean>;
}

/** The one place that knows TokenDB is TypeORM (STYLE §1: only the factory imports storage/typeorm). */
export async function openTokenDb(database: DatabaseConfig, cipher: TokenCipher): Promise<OpenedTokenDb> {
  const { dataSource, dialect } = createDataSource(database);
  await dataSource.initialize();
  return {
    db: new TypeormTokenDb(dataSource, dialect, cipher),
    migrate: async () => (await dataSource.runMigrations({ transaction: 'each' })).map((m) => m.name),
    pending: () => dataSource.showMigrations(),
  };
}
