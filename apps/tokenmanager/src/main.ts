import { buildFromConfigOrExit } from '@tessera/config';
import { closeOnSignals } from '@tessera/rpc';
import { buildTokenManager } from './factory.js';

const tokenManager = buildFromConfigOrExit(buildTokenManager);
const app = await tokenManager.listen();
closeOnSignals(() => app.close({ drainMs: Number(process.env.TESSERA_DRAIN_MS ?? 0) }), tokenManager.logger);
