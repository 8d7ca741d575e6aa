// bench/rpc: the cost of one call. Unary Echo (64 B) over mTLS (TLS 1.3, HTTP/2) against
//   bare           @grpc/grpc-js alone with the same certificates: the ceiling
//   tokenmanager   tokenmanager as `npm start` runs it (its own process; health, per-method rules,
//                  metrics and logging on), on its gRPC port and on its Connect port
// Server CPU is read from /proc for the server process. On 2 cores the client saturates before the
// server does, so the figure to compare is calls per server core, printed as a ratio of bare's.
// A second table compares the two client runtimes an internal service can call with (CPU per call
// in this process, against the bare server).
// Usage: npm run bench:rpc [-- --seconds 5]
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { createClient } from '@connectrpc/connect';
import { createGrpcTransport } from '@connectrpc/connect-node';
import { TokenManagerService } from '@tessera/contracts';
import { createServiceTransport, TlsWatcher } from '@tessera/rpc';
import { createTestPki, grpcJsClient, startAppProcess, testEnv } from '@tessera/testing';

const seconds = Number(process.argv[process.argv.indexOf('--seconds') + 1]) || 5;
/** Goal of the hardening issue: tokenmanager's Echo at ≥ 0.6× the bare server's calls per core. */
const GOAL = 0.6;
const pki = await createTestPki();
const clientTls = pki.material('demo-service');
const message = 'x'.repeat(64);
type Call = () => Promise<unknown>;

/** CPU seconds a process has used (utime + stime, in clock ticks of 1/100 s). */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

async function load(call: Call, concurrency: number, secs: number) {
  const latencies: number[] = [];
  let errors = 0;
  const until = performance.now() + secs * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < until) {
        const t0 = performance.now();
        try {
          await call();
          latencies.push(performance.now() - t0);
        } catch {
          errors++;
        }
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? NaN;
  return { calls: latencies.length, rps: latencies.length / secs, p50: pct(0.5), p99: pct(0.99), errors };
}

/** Runs `call` for `seconds` after a warm-up; CPU of the server process and of this one. */
async function measure(call: Call, concurrency: number, serverPid: number) {
  await load(call, concurrency, 1);
  const server0 = cpuSeconds(serverPid);
  const client0 = process.cpuUsage();
  const result = await load(call, concurrency, seconds);
  const client = process.cpuUsage(client0);
  return { ...result, serverCores: (cpuSeconds(serverPid) - server0) / seconds, clientCpuUs: (client.user + client.system) / Math.max(1, result.calls) };
}

async function startBare(): Promise<{ port: number; child: ChildProcess }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/rpc/server.ts', pki.dir], { stdio: ['pipe', 'pipe', 'inherit'] });
  const line = await createInterface({ input: child.stdout! })[Symbol.asyncIterator]().next();
  return { port: (JSON.parse(String(line.value)) as { port: number }).port, child };
}

interface Row { server: string; concurrency: number; rps: number; p50: number; p99: number; serverCores: number; errors: number }
const rows: Row[] = [];
const grpcJsCall = (port: number): { call: Call; close(): void } => {
  const client = grpcJsClient(TokenManagerService, `127.0.0.1:${port}`, clientTls, 'tokenmanager');
  return { call: () => client.call('echo', { message }), close: () => client.close() };
};

const bare = await startBare();
const bareClient = grpcJsCall(bare.port);
for (const concurrency of [1, 64]) rows.push({ server: 'bare grpc-js', concurrency, ...(await measure(bareClient.call, concurrency, bare.child.pid!)) });

// Client runtimes, against the same bare server: grpc-js by hand, connect's typed client on the
// grpc-js transport internal services use (createServiceTransport), and on connect-node's own.
const tls = new TlsWatcher(pki.files('authserver'));
const clientRows: { client: string; rps: number; clientCpuUs: number }[] = [];
clientRows.push({ client: '@grpc/grpc-js, by hand', ...(await measure(bareClient.call, 64, bare.child.pid!)) });
const serviceTransport = createServiceTransport({ address: `127.0.0.1:${bare.port}`, serverName: 'tokenmanager', tls });
const viaGrpcJs = createClient(TokenManagerService, serviceTransport);
clientRows.push({ client: 'connect client on grpc-js (createServiceTransport)', ...(await measure(() => viaGrpcJs.echo({ message }), 64, bare.child.pid!)) });
serviceTransport.close();
const nodeOptions = { ca: tls.current.ca, cert: tls.current.cert, key: tls.current.key, servername: 'tokenmanager' };
const viaConnectNode = createClient(TokenManagerService, createGrpcTransport({ baseUrl: `https://127.0.0.1:${bare.port}`, nodeOptions }));
clientRows.push({ client: 'connect client on connect-node (createGrpcTransport)', ...(await measure(() => viaConnectNode.echo({ message }), 64, bare.child.pid!)) });
tls.stop();
bareClient.close();
bare.child.stdin!.end();

const tokenmanager = await startAppProcess('tokenmanager', { ...testEnv(pki), TESSERA__LOG__LEVEL: 'info' }, [/^gRPC server listening$/, /^Connect server listening$/]);
const grpcPort = tokenmanager.port(/^gRPC server listening$/);
const connectPort = tokenmanager.port(/^Connect server listening$/);
const tmClient = grpcJsCall(grpcPort);
for (const concurrency of [1, 64]) rows.push({ server: 'tokenmanager (gRPC port, grpc-js)', concurrency, ...(await measure(tmClient.call, concurrency, tokenmanager.child.pid!)) });
tmClient.close();
const tmConnect = grpcJsCall(connectPort);
rows.push({ server: 'tokenmanager (Connect port, connect-node)', concurrency: 64, ...(await measure(tmConnect.call, 64, tokenmanager.child.pid!)) });
tmConnect.close();
await tokenmanager.stop();
pki.remove();

const perCore = (r: Row) => r.rps / r.serverCores;
const bareAt = (c: number) => perCore(rows.find((r) => r.server === 'bare grpc-js' && r.concurrency === c)!);
console.log(`\nbench/rpc: unary Echo (64 B) over mTLS, TLS 1.3, HTTP/2; grpc-js client; ${seconds} s per row\n`);
console.log('| server | concurrent calls | calls/s | p50 ms | p99 ms | server CPU (cores) | calls per server core | × bare | goal | errors |');
console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const r of rows) {
  const ratio = perCore(r) / bareAt(r.concurrency);
  const goal = r.server.startsWith('tokenmanager (gRPC') ? `≥ ${GOAL}× ${ratio >= GOAL ? 'met' : 'missed'}` : '';
  console.log(`| ${r.server} | ${r.concurrency} | ${r.rps.toFixed(0)} | ${r.p50.toFixed(2)} | ${r.p99.toFixed(2)} | ${r.serverCores.toFixed(2)} | ${perCore(r).toFixed(0)} | ${ratio.toFixed(2)} | ${goal} | ${r.errors} |`);
}
console.log('\nClient runtimes (64 concurrent calls against the bare server; client CPU in this process)\n');
console.log('| client | calls/s | client CPU µs per call | × grpc-js |');
console.log('|---|---:|---:|---:|');
const base = clientRows[0]!.clientCpuUs;
const shown = (r: (typeof clientRows)[number]) => (r.client.includes('createServiceTransport') ? ' (used)' : '');
for (const r of clientRows) console.log(`| ${r.client}${shown(r)} | ${r.rps.toFixed(0)} | ${r.clientCpuUs.toFixed(0)} | ${(r.clientCpuUs / base).toFixed(2)} |`);
