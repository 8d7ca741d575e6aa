import type { DatabaseConfig } from '@tessera/config';
import type { AuthDb } from './stores.js';
import { createAuthDataSource, migrateAuthDb } from './typeorm/data-source.js';
import { TypeormAuthDb } from './typeorm/typeorm-auth-db.js';

export interface OpenedAuthDb {
  readonly db: AuthDb;
  /** Runs the migrations still pending; returns their names. */
  migrate(): Promise<string[]>;
  /** Migrations not yet applied. */
  pending(): Promise<boolean>;
}

/** AuthDB could not be opened at start-up; the message names the driver's error code only (a
 * driver's own words may hold the connection URL). */
export class AuthDbUnreachableError extends Error {
  override readonly name = 'AuthDbUnreachableError';
  constructor(code: string, options: ErrorOptions) {
    super(`AuthDB cannot be opened (${code}): check apps.authserver.database and that the database server is up`, options);
  }
}

/** The one place that knows AuthDB is TypeORM (STYLE §1: only the factory imports storage/typeorm). */
export async function openAuthDb(database: DatabaseConfig): Promise<OpenedAuthDb> {
  const { dataSource, dialect } = createAuthDataSource(database);
  await dataSource.initialize().catch((error: unknown) => {
    const code = (error as { code?: unknown } | undefined)?.code;
    throw new AuthDbUnreachableError(typeof code === 'string' ? code : 'error', { cause: error });
  });
  return { db: new TypeormAuthDb(dataSource, dialect), migrate: () => migrateAuthDb(dataSource, dialect), pending: () => dataSource.showMigrations() };
}
