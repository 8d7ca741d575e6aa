// `migrate`: brings TokenDB's schema up to date (Kubernetes runs it as a Job before a release's
// pods start; the embedded SQLite database is migrated by tokenmanager itself). With
// `--reencrypt`, also re-seals every stored token under the keyring's active key, online.
//   npm run migrate [-- --reencrypt]
import { buildFromConfigOrExit, checkSecrets, keyProblem, requireApp } from '@tessera/config';
import { createLogger } from '@tessera/observability';
import { TokenCipher } from './crypto/token-cipher.js';
import { reencryptAll } from './services/reencryption.js';
import { openTokenDb, TokenDbUnreachableError } from './storage/create-token-db.js';

const { app, logger } = buildFromConfigOrExit((config) => {
  const app = requireApp(config, 'tokenmanager');
  checkSecrets(config, ['apps', 'tokenmanager', 'encryption'], keyProblem);
  return { app, logger: createLogger({ name: 'tokenmanager-migrate', level: config.log.level }) };
});
const opened = await openTokenDb(app.database, new TokenCipher(app.encryption)).catch((error: unknown) => {
  if (!(error instanceof TokenDbUnreachableError)) throw error;
  logger.fatal(error.message);
  process.exit(1);
});
try {
  const applied = await opened.migrate();
  logger.info({ applied }, applied.length > 0 ? 'TokenDB migrated' : 'TokenDB schema is up to date');
  if (process.argv.includes('--reencrypt')) {
    const counts = await reencryptAll(opened.db);
    logger.info({ ...counts, activeKey: app.encryption.activeKey }, 'stored tokens re-encrypted under the active key');
    if (counts.left > 0) logger.warn({ left: counts.left }, 'some stored tokens are sealed under keys the keyring no longer has: keep their key or let the users log in again');
  }
} finally {
  await opened.db.close();
}
