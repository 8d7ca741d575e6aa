/**
 * @tessera/database: the TypeORM plumbing every app's storage shares (TokenDB, AuthDB): a data
 * source for MariaDB or the embedded SQLite, migrations under a lock, transactions that run again
 * when they lose a race. Only an app's `storage/typeorm/` imports it (eslint.config.mjs).
 * Test databases come from `@tessera/database/testing`.
 */
export { createDataSource, type DatabaseSchema, type Dialect } from './create-data-source.js';
export { migrateUnderLock } from './migrate-under-lock.js';
export { TransactionRunner, type TransactionPolicy } from './transaction-runner.js';
export { driverCode, isDuplicateKey, isLostRace, isUnreachable, LOST_RACE_CODES } from './driver-errors.js';
