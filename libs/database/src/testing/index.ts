/** Test support for storage on @tessera/database: a database of its own per test, and the
 * migrations' round trip. For *.spec.ts files and an app's `testing/` only. */
export { createTestDatabase, DIALECTS, type TestDatabase, type TestDatabaseOptions, type TestDialect } from './test-databases.js';
export { migrationRoundTrip, testMigrationRoundTrip } from './migration-round-trip.js';
