// bench/rpc: unary Echo over mTLS against the two server runtimes, with one client (grpc-js) in
// this process and the server in its own process. Prints requests/s, p50, p99 and server CPU.
// On a 2-core machine the client saturates before the servers do, so compare requests/s per
// server core: that is what a replica's throughput scales with.
// Usage: npm run bench:rpc [-- --seconds 5]
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { TokenManagerService } from '@tessera/contracts';
import { ensureDevPki } from '@tessera/pki';
import { grpcJsClient, type GrpcJsClient } from '@tessera/testing';

const seconds = Number(process.argv[process.argv.indexOf('--seconds') + 1]) || 5;
const dir = mkdtempSync(join(tmpdir(), 'tessera-bench-'));
await ensureDevPki({ dir, trustDomain: 'tessera.dev' });
const clientTls = { ca: readFileSync(join(dir, 'ca.crt')), cert: readFileSync(join(dir, 'demo-service.crt')), key: readFileSync(join(dir, 'demo-service.key')) };

interface Row { runtime: string; concurrency: number; rps: number; p50: number; p99: number; cpu: number; errors: number }
const rows: Row[] = [];

for (const runtime of ['grpc-js', 'connect-node']) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/rpc/server.ts', runtime, dir], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const next = async () => JSON.parse(String((await lines.next()).value)) as Record<string, number>;
  const { port } = await next();
  const client = grpcJsClient(TokenManagerService, `127.0.0.1:${port}`, clientTls, 'tokenmanager');
  const message = 'x'.repeat(64);
  for (const concurrency of [1, 64]) {
    await load(client, message, concurrency, 1); // warm-up
    child.stdin!.write('cpu\n');
    await next();
    const result = await load(client, message, concurrency, seconds);
    child.stdin!.write('cpu\n');
    const { cpuMs } = await next();
    rows.push({ runtime, concurrency, ...result, cpu: cpuMs! / (seconds * 1000) });
  }
  client.close();
  child.stdin!.end();
  await new Promise((r) => child.once('exit', r));
}
rmSync(dir, { recursive: true, force: true });

async function load(client: GrpcJsClient<typeof TokenManagerService>, message: string, concurrency: number, secs: number) {
  const latencies: number[] = [];
  let errors = 0;
  const until = performance.now() + secs * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < until) {
        const t0 = performance.now();
        try {
          await client.call('echo', { message });
          latencies.push(performance.now() - t0);
        } catch {
          errors++;
        }
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? NaN;
  return { rps: latencies.length / secs, p50: pct(0.5), p99: pct(0.99), errors };
}

console.log(`\nbench/rpc: unary Echo (64 B) over mTLS, TLS 1.3, HTTP/2; grpc-js client; ${seconds} s per row\n`);
console.log('| server runtime | concurrent calls | requests/s | p50 ms | p99 ms | server CPU (cores) | requests/s per server core | errors |');
console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
for (const r of rows) {
  console.log(`| ${r.runtime} | ${r.concurrency} | ${r.rps.toFixed(0)} | ${r.p50.toFixed(2)} | ${r.p99.toFixed(2)} | ${r.cpu.toFixed(2)} | ${(r.rps / r.cpu).toFixed(0)} | ${r.errors} |`);
}
