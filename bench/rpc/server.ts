// One benchmark server process: `server.ts <grpc-js|connect-node> <pki-dir>`. Prints its port,
// then answers "cpu" on stdin with the CPU time it has used.
import { createInterface } from 'node:readline';
import { createLogger } from '@tessera/observability';
import { CallerResolver, TlsWatcher, startConnectServer, startGrpcServer } from '@tessera/rpc';
import { echoOnlyService } from './echo-service.js';

const [runtime, dir] = process.argv.slice(2);
const tls = new TlsWatcher({ caFile: `${dir}/ca.crt`, certFile: `${dir}/tokenmanager.crt`, keyFile: `${dir}/tokenmanager.key` });
const options = {
  services: [echoOnlyService()],
  tls,
  callers: new CallerResolver(() => []),
  logger: createLogger({ name: 'bench', level: 'warn' }),
};
const server = runtime === 'connect-node' ? await startConnectServer('127.0.0.1', 0, options) : await startGrpcServer('127.0.0.1', 0, options);
console.log(JSON.stringify({ port: server.port }));
let last = process.cpuUsage();
createInterface({ input: process.stdin }).on('line', (line) => {
  if (line === 'cpu') {
    const used = process.cpuUsage(last);
    last = process.cpuUsage();
    console.log(JSON.stringify({ cpuMs: (used.user + used.system) / 1000 }));
  }
});
process.stdin.on('end', () => void server.shutdown({ graceMs: 1000 }).then(() => process.exit(0)));
