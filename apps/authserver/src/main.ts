import { buildFromConfigOrExit } from '@tessera/config';
import { closeOnSignals } from '@tessera/rpc';
import { buildAuthServer } from './factory.js';

const authServer = buildFromConfigOrExit(buildAuthServer);
const running = await authServer.listen();
closeOnSignals(() => running.close({ drainMs: Number(process.env.TESSERA_DRAIN_MS ?? 0) }), authServer.logger);
