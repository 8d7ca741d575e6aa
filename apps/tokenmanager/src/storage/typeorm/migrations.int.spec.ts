// The migrations are the schema: on both dialects, after they ran, TypeORM finds nothing to change
// between the entities and the database (the drift check that `migration:generate --check` makes),
// and they revert cleanly.
import { testMigrationRoundTrip } from '@tessera/database/testing';
import { createDataSource } from './data-source.js';

testMigrationRoundTrip('TokenDB', createDataSource);
