// bench/idp-gateway: what the gateway adds per IdP call. The same client-credentials grant is made
// against the real dev-idp directly with openid-client, and through the gateway (gRPC over mTLS,
// its own process). Prints latency per call for both and their ratio (goal ≤ 1.2×).
// Usage: npm run bench:idp-gateway [-- --calls 500 --concurrency 1]
import * as oidc from 'openid-client';
import { createClient } from '@connectrpc/connect';
import { IdpGatewayService } from '@tessera/contracts';
import { createServiceTransport, TlsWatcher } from '@tessera/rpc';
import { createTestPki, startAppProcess, startFaultProxy, testEnv } from '@tessera/testing';

const arg = (name: string, fallback: number) => Number(process.argv[process.argv.indexOf(`--${name}`) + 1]) || fallback;
const calls = arg('calls', 500);
const concurrency = arg('concurrency', 1);

const pki = await createTestPki();
// Both paths reach dev-idp through the same proxy, which can add the network latency of a real
// IdP; the issuer is the proxy's URL.
const proxy = await startFaultProxy('http://127.0.0.1:1');
const issuer = proxy.url;
const quiet = { TESSERA__LOG__LEVEL: 'warn' };
const devIdp = await startAppProcess('dev-idp', { ...quiet, TESSERA__APPS__DEVIDP__HTTP: '127.0.0.1:0', TESSERA__APPS__DEVIDP__ISSUER: issuer, TESSERA__IDPS__DEV_IDP__ISSUER: issuer }, [/^dev-idp listening$/]);
proxy.setTarget(`http://127.0.0.1:${devIdp.port(/^dev-idp listening$/)}`);
const gateway = await startAppProcess('idp-gateway', { ...testEnv(pki), TESSERA__IDPS__DEV_IDP__ISSUER: issuer }, [/^gRPC server listening$/]);

const direct = await oidc.discovery(new URL(issuer), 'tessera-idp-gateway', undefined, oidc.ClientSecretPost('dev-idp-gateway-secret'), {
  execute: [oidc.allowInsecureRequests],
});
// tokenmanager is the gateway's caller for client credentials.
const tls = new TlsWatcher(pki.files('tokenmanager'));
const viaGateway = createClient(
  IdpGatewayService,
  createServiceTransport({ address: `127.0.0.1:${gateway.port(/^gRPC server listening$/)}`, serverName: 'idp-gateway', tls }),
);

async function measure(call: () => Promise<unknown>): Promise<{ perSecond: number; p50: number; p99: number }> {
  for (let i = 0; i < 30; i++) await call(); // warm-up: discovery, TLS sessions, JIT
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next++ < calls) {
        const t0 = performance.now();
        await call();
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))]!;
  return { perSecond: latencies.length / seconds, p50: pct(0.5), p99: pct(0.99) };
}

const rows: Record<string, Awaited<ReturnType<typeof measure>>> = {
  'gRPC → idp-gateway, Ping (the hop alone)': await measure(() => viaGateway.ping({})),
};
const ratios: string[] = [];
for (const latency of [0, 20]) {
  proxy.setFault(latency === 0 ? { kind: 'none' } : { kind: 'latency', ms: latency });
  const where = latency === 0 ? 'loopback IdP' : `IdP ${latency} ms away`;
  const a = (rows[`openid-client → dev-idp (${where})`] = await measure(() => oidc.clientCredentialsGrant(direct)));
  const b = (rows[`gRPC → idp-gateway → dev-idp (${where})`] = await measure(() => viaGateway.clientCredentials({ provider: 'dev-idp' })));
  ratios.push(`${where}: gateway / direct p50 = ${(b.p50 / a.p50).toFixed(2)}× (+${(b.p50 - a.p50).toFixed(2)} ms per call)`);
}

console.log(`\nbench/idp-gateway: client-credentials grant, ${calls} calls, ${concurrency} at a time\n`);
console.log('| path | calls/s | p50 ms | p99 ms |');
console.log('|---|---:|---:|---:|');
for (const [name, r] of Object.entries(rows)) console.log(`| ${name} | ${r.perSecond.toFixed(0)} | ${r.p50.toFixed(2)} | ${r.p99.toFixed(2)} |`);
console.log(`\n${ratios.join('\n')}`);

tls.stop();
await Promise.all([gateway.stop(), devIdp.stop()]);
await proxy.close();
pki.remove();
