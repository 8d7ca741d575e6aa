// `migrate:authserver`: brings AuthDB's schema up to date (Kubernetes runs it as a Job before a
// release's pods start; the embedded SQLite database is migrated by authserver itself).
//   npm run migrate:authserver
import { buildFromConfigOrExit, checkSecrets, requireApp } from '@tessera/config';
import { createLogger } from '@tessera/observability';
import { AuthDbUnreachableError, openAuthDb } from './storage/create-auth-db.js';

// Only the database's secret is read: the migration Job mounts the AuthDB Secret and nothing else.
const { app, logger } = buildFromConfigOrExit((config) => {
  const app = config.apps.authserver ?? requireApp(config, 'authserver');
  checkSecrets(config, ['apps', 'authserver', 'database']);
  return { app, logger: createLogger({ name: 'authserver-migrate', level: config.log.level }) };
});
const opened = await openAuthDb(app.database).catch((error: unknown) => {
  if (!(error instanceof AuthDbUnreachableError)) throw error;
  logger.fatal(error.message);
  process.exit(1);
});
try {
  const applied = await opened.migrate();
  logger.info({ applied }, applied.length > 0 ? 'AuthDB migrated' : 'AuthDB schema is up to date');
} finally {
  await opened.db.close();
}
