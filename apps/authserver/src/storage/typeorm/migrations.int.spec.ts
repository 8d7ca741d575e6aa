// The migrations are the schema: on both dialects TypeORM finds nothing to change between the
// entities and the migrated database, and the migrations revert cleanly.
import { testMigrationRoundTrip } from '@tessera/database/testing';
import { createAuthDataSource } from './data-source.js';

testMigrationRoundTrip('AuthDB', createAuthDataSource);
