import { buildFromConfigOrExit } from '@tessera/config';
import { closeOnSignals } from '@tessera/rpc';
import { buildIdpGateway } from './factory.js';

const gateway = buildFromConfigOrExit(buildIdpGateway);
const app = await gateway.listen();
closeOnSignals(() => app.close({ drainMs: Number(process.env.TESSERA_DRAIN_MS ?? 0) }), gateway.logger);
