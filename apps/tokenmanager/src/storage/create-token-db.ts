import type { DatabaseConfig } from '@tessera/config';
import type { TokenCipher } from '../crypto/token-cipher.js';
import type { TokenDb } from './stores.js';
import { createDataSource } from './typeorm/data-source.js';
import { migrateUnderLock } from './typeorm/migrate-under-lock.js';
import { TypeormTokenDb } from './typeorm/typeorm-token-db.js';

export interface OpenedTokenDb {
  readonly db: TokenDb;
  /** Runs the migrations still pending; returns their names. */
  migrate(): Promise<string[]>;
  /** Migrations not yet applied. */
  pending(): Promise<boolean>;
}

/** TokenDB could not be opened at start-up; the message names the driver's error code only (a
 * driver's own words may hold the connection URL). */
export class TokenDbUnreachableError extends Error {
  override readonly name = 'TokenDbUnreachableError';
  constructor(code: string, options: ErrorOptions) {
    super(`TokenDB cannot be opened (${code}): check apps.tokenmanager.database and that the database server is up`, options);
  }
}

/** The one place that knows TokenDB is TypeORM (STYLE §1: only the factory imports storage/typeorm). */
export async function openTokenDb(database: DatabaseConfig, cipher: TokenCipher): Promise<OpenedTokenDb> {
  const { dataSource, dialect } = createDataSource(database);
  try {
    await dataSource.initialize();
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    throw new TokenDbUnreachableError(typeof code === 'string' ? code : 'error', { cause: error });
  }
  return {
    db: new TypeormTokenDb(dataSource, dialect, cipher),
    migrate: () => migrateUnderLock(dataSource, dialect),
    pending: () => dataSource.showMigrations(),
  };
}
