import { buildFromConfigOrExit } from '@tessera/config';
import { closeOnSignals } from '@tessera/rpc';
import { buildTokenManager, SchemaBehindError } from './factory.js';
import { TokenDbUnreachableError } from './storage/create-token-db.js';

const tokenManager = buildFromConfigOrExit(buildTokenManager);
const app = await tokenManager.listen().catch((error: unknown) => {
  // A schema behind the code, or a database that is not there, is the operator's to fix, not a
  // crash to trace.
  if (!(error instanceof SchemaBehindError || error instanceof TokenDbUnreachableError)) throw error;
  tokenManager.logger.fatal(error.message);
  process.exit(1);
});
closeOnSignals(() => app.close({ drainMs: Number(process.env.TESSERA_DRAIN_MS ?? 0) }), tokenManager.logger);
