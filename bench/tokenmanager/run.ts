// bench/tokenmanager: what GetToken costs. dev-idp (behind the fault proxy, which can put it 20 ms
// away), the idp-gateway and two tokenmanager replicas on one MariaDB, each in its own process;
// alice logged in through the gateway and her IdP tokens stored with UpdateToken, as the authserver
// does. Prints, each beside the goal of the tokenmanager issue:
//   - GetToken served from the cache against Echo on the same server (calls per server core)
//   - cold GetToken (skip_cache: a refresh at the IdP each time) against dev-idp's own refresh
//   - IdP refreshes caused by a burst of 200 concurrent GetToken over both replicas
//   - the replica's resident memory, idle and after the load
//   - GetToken from TokenDB and a user's token list, p99, with 1k rows and with 1M rows
// Usage: npm run bench:tokenmanager [-- --seconds 5]   (MariaDB: TESSERA_TEST_MARIADB_URL, else 127.0.0.1:3306)
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createClient } from '@connectrpc/connect';
import { createConnection } from 'mysql2/promise';
import * as oidc from 'openid-client';
import { IdpGatewayService, TokenManagerService } from '@tessera/contracts';
import { createServiceTransport, TlsWatcher } from '@tessera/rpc';
import { Browser, createTestPki, findForm, freePort, grpcJsClient, startAppProcess, startFaultProxy, testEnv, type AppProcess } from '@tessera/testing';

const seconds = Number(process.argv[process.argv.indexOf('--seconds') + 1]) || 5;
const REDIRECT = 'http://127.0.0.1:8080/auth/callback';
const server = process.env.TESSERA_TEST_MARIADB_URL ?? 'mysql://root@127.0.0.1:3306';

const cpuSeconds = (pid: number) => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
};
const rssMiB = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;

async function load(call: () => Promise<unknown>, concurrency: number, secs: number, maxCalls = Infinity) {
  const latencies: number[] = [];
  const until = performance.now() + secs * 1000;
  let started = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < until && started++ < maxCalls) {
        const t0 = performance.now();
        await call();
        latencies.push(performance.now() - t0);
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? NaN;
  return { rps: latencies.length / secs, p50: pct(0.5), p99: pct(0.99), calls: latencies.length };
}

async function perCore(call: () => Promise<unknown>, pid: number) {
  await load(call, 64, 1);
  const cpu0 = cpuSeconds(pid);
  const result = await load(call, 64, seconds);
  return { ...result, perCore: result.rps / ((cpuSeconds(pid) - cpu0) / seconds) };
}

const pki = await createTestPki();
const proxy = await startFaultProxy('http://127.0.0.1:1', { port: await freePort() });
const quiet = { TESSERA__LOG__LEVEL: 'warn' };
const devIdp = await startAppProcess('dev-idp', { ...quiet, TESSERA__APPS__DEVIDP__HTTP: '127.0.0.1:0', TESSERA__APPS__DEVIDP__ISSUER: proxy.url, TESSERA__IDPS__DEV_IDP__ISSUER: proxy.url }, [/^dev-idp listening$/]);
proxy.setTarget(`http://127.0.0.1:${devIdp.port(/^dev-idp listening$/)}`);
const gateway = await startAppProcess('idp-gateway', { ...testEnv(pki), TESSERA__IDPS__DEV_IDP__ISSUER: proxy.url }, [/^gRPC server listening$/]);
const gatewayAddress = `127.0.0.1:${gateway.port(/^gRPC server listening$/)}`;

const database = `tessera_bench_${randomBytes(4).toString('hex')}`;
const admin = await createConnection(server);
await admin.query(`CREATE DATABASE \`${database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`);
const url = new URL(server);
url.pathname = `/${database}`;
const tmEnv = {
  ...testEnv(pki, { TESSERA__APPS__TOKENMANAGER__DATABASE__PATH: '' }),
  TESSERA__IDPS__DEV_IDP__ISSUER: proxy.url,
  TESSERA__APPS__TOKENMANAGER__IDPGATEWAY__ADDRESS: gatewayAddress,
  TESSERA__APPS__TOKENMANAGER__DATABASE: JSON.stringify({ type: 'mariadb', url: url.href }),
  TESSERA__APPS__TOKENMANAGER__CONNECT: '',
  // The cold rows refresh one user a hundred times a minute, on purpose.
  TESSERA__APPS__TOKENMANAGER__IDPCALLSPERUSERPERMINUTE: '100000',
};
execFileSync(process.execPath, ['--import', 'tsx', 'apps/tokenmanager/src/migrate.ts'], { env: { ...process.env, ...tmEnv, ...quiet }, stdio: 'ignore' });
const replicas: AppProcess[] = [];
for (let i = 0; i < 2; i++) replicas.push(await startAppProcess('tokenmanager', tmEnv, [/^gRPC server listening$/]));
const [first, second] = replicas as [AppProcess, AppProcess];
const client = (replica: AppProcess, identity: string) => grpcJsClient(TokenManagerService, `127.0.0.1:${replica.port(/^gRPC server listening$/)}`, pki.material(identity), 'tokenmanager');

// alice logs in through the gateway; the authserver stores her tokens.
const authTls = new TlsWatcher(pki.files('authserver'));
const asAuthserver = createClient(IdpGatewayService, createServiceTransport({ address: gatewayAddress, serverName: 'idp-gateway', tls: authTls }));
async function login(user: string) {
  const begun = await asAuthserver.beginAuthorization({ provider: 'dev-idp', redirectUri: REDIRECT, groupScopes: ['wlcg.groups:/dirac/user'] });
  const browser = new Browser();
  const callback = await browser.go(findForm(await browser.page(begun.authorizationUrl)).action, { form: { login: user, password: user }, stopAt: REDIRECT });
  return asAuthserver.completeAuthorization({ sealedState: begun.sealedState, callback: { case: 'callbackUrl', value: (callback as URL).href } });
}
const alice = await login('alice');
const storing = client(first, 'authserver');
const { $typeName: _t, ...tokenSet } = alice.tokenSet!;
await storing.call('updateToken', { userId: 'alice', provider: 'dev-idp', subject: 'alice', clientId: tokenSet.clientId, tokenSet });
storing.close();
const idleRss = rssMiB(first.child.pid!);

// 1. Cache hits against Echo, on the same server.
const service = client(first, 'demo-service');
await service.call('getToken', { userId: 'alice', group: 'dirac_user' });
const echo = await perCore(() => service.call('echo', { message: 'x'.repeat(64) }), first.child.pid!);
const hit = await perCore(() => service.call('getToken', { userId: 'alice', group: 'dirac_user' }), first.child.pid!);
// Echo answering as many bytes as GetToken does: what the size of the answer alone costs.
const tokenSize = (await service.call('getToken', { userId: 'alice', group: 'dirac_user' })).accessToken.length;
const echoSized = await perCore(() => service.call('echo', { message: 'x'.repeat(tokenSize) }), first.child.pid!);
const loadedRss = rssMiB(first.child.pid!);

// 2. Cold GetToken against dev-idp's own refresh, loopback and 20 ms away.
const bob = await login('bob');
let bobRefresh = bob.tokenSet!.refreshToken;
const direct = await oidc.discovery(new URL(proxy.url), 'tessera-idp-gateway', undefined, oidc.ClientSecretPost('dev-idp-gateway-secret'), { execute: [oidc.allowInsecureRequests] });
const directRefresh = async () => {
  const answer = await oidc.refreshTokenGrant(direct, bobRefresh);
  bobRefresh = answer.refresh_token ?? bobRefresh;
};
const cold = () => service.call('getToken', { userId: 'alice', group: 'dirac_user', skipCache: true }, { deadlineMs: 30_000 });
const coldRows: { where: string; direct: number; cold: number }[] = [];
// At most 100 refreshes a row, so that the slow row does not take the whole time.
for (const latency of [0, 20]) {
  proxy.setFault(latency === 0 ? { kind: 'none' } : { kind: 'latency', ms: latency });
  const d = await load(directRefresh, 1, seconds, 100);
  const c = await load(cold, 1, seconds, 100);
  coldRows.push({ where: latency === 0 ? 'loopback IdP' : `IdP ${latency} ms away`, direct: d.p50, cold: c.p50 });
}
proxy.setFault({ kind: 'none' });

// 3. A burst of 200 concurrent GetToken for one user over both replicas, for an entry not cached yet.
const services = [service, client(second, 'demo-service')];
const before = proxy.requests.filter((r) => r.method === 'POST' && r.path.startsWith('/token')).length;
await Promise.all(Array.from({ length: 200 }, (_, i) => services[i % 2]!.call('getToken', { userId: 'alice', group: 'dirac_user', scopes: ['profile'] }, { deadlineMs: 30_000 })));
const burst = proxy.requests.filter((r) => r.method === 'POST' && r.path.startsWith('/token')).length - before;

// 4. TokenDB's size: GetToken served from TokenDB's cache (no in-memory front) and a user's token
// list, p99 at 8 concurrent calls, with about 1k rows and then with 1M more in each table.
const fromDb = await startAppProcess('tokenmanager', { ...tmEnv, TESSERA__APPS__TOKENMANAGER__CACHEFRONTTTL: '0' }, [/^gRPC server listening$/]);
const dbService = client(fromDb, 'demo-service');
const dbAdmin = client(fromDb, 'demo-admin');
const db = await createConnection(url.href);
const fill = async (from: number, to: number) => {
  const now = Date.now();
  await db.query(
    `INSERT INTO idp_tokens (token_id, user_id, provider, subject, access_token, refresh_token, encryption_key_id, scope, token_type, client_id, kid, issued_at, expires_at, rt_expires_at, version, created_at, updated_at)
     SELECT CONCAT('tok_bench_', seq), CONCAT('user', seq), 'dev-idp', CONCAT('sub', seq), 'v1.x.y.z', 'v1.x.y.z', 'k', 'openid', 'Bearer', 'c', '', ${now}, ${now + 3600e3}, ${now + 86400e3}, 1, ${now}, ${now} FROM seq_${from}_to_${to}`,
  );
  await db.query(
    `INSERT INTO access_token_cache (user_id, provider, cache_key, access_token, encryption_key_id, token_type, scope, audience, expires_at, created_at)
     SELECT CONCAT('user', seq), 'dev-idp', SHA2(seq, 256), 'v1.x.y.z', 'k', 'Bearer', 'openid', '', ${now + 3600e3}, ${now} FROM seq_${from}_to_${to}`,
  );
  await db.query('ANALYZE TABLE idp_tokens, access_token_cache');
};
const sized = async () => ({
  getToken: await load(() => dbService.call('getToken', { userId: 'alice', group: 'dirac_user' }), 8, seconds),
  list: await load(() => dbAdmin.call('getTokensByUserId', { userId: 'alice' }), 8, seconds),
});
await fill(1, 1000);
const small = await sized();
const filled0 = performance.now();
await fill(1001, 1_001_000);
const fillSeconds = (performance.now() - filled0) / 1000;
const large = await sized();
dbService.close();
dbAdmin.close();
await db.end();
await fromDb.stop();

services.forEach((s) => s.close());
authTls.stop();
for (const p of [...replicas, gateway, devIdp]) await p.stop();
await proxy.close();
await admin.query(`DROP DATABASE \`${database}\``);
await admin.end();
pki.remove();

const verdict = (ok: boolean) => (ok ? 'met' : 'missed');
console.log(`\nbench/tokenmanager: dev-idp, idp-gateway and two tokenmanager replicas on MariaDB, each its own process; ${seconds} s per row\n`);
console.log('| measure | value | baseline | ratio | goal |');
console.log('|---|---:|---:|---:|---|');
const ratio = hit.perCore / echo.perCore;
console.log(`| GetToken cache hit, calls per server core (64 concurrent) | ${hit.perCore.toFixed(0)} | Echo ${echo.perCore.toFixed(0)} | ${ratio.toFixed(2)}× | ≥ 0.9× ${verdict(ratio >= 0.9)} |`);
console.log(`| GetToken cache hit against Echo of the token's size (${tokenSize} B) | ${hit.perCore.toFixed(0)} | Echo ${echoSized.perCore.toFixed(0)} | ${(hit.perCore / echoSized.perCore).toFixed(2)}× | reported |`);
console.log(`| GetToken cache hit p50 / p99 ms (64 concurrent) | ${hit.p50.toFixed(2)} / ${hit.p99.toFixed(2)} | Echo ${echo.p50.toFixed(2)} / ${echo.p99.toFixed(2)} | | |`);
for (const row of coldRows) {
  const r = row.cold / row.direct;
  const goal = row.where.includes('20 ms') ? `≤ 1.2× ${verdict(r <= 1.2)}` : 'reported';
  console.log(`| cold GetToken p50 ms, ${row.where} | ${row.cold.toFixed(2)} | dev-idp refresh ${row.direct.toFixed(2)} | ${r.toFixed(2)}× | ${goal} |`);
}
console.log(`| IdP refreshes for 200 concurrent GetToken over 2 replicas | ${burst} | | | 1 ${verdict(burst === 1)} |`);
for (const [what, a, b] of [['GetToken served from TokenDB (no memory front)', small.getToken, large.getToken], ['GetTokensByUserId', small.list, large.list]] as const) {
  const r = b.p99 / a.p99;
  console.log(`| ${what} p99 ms (8 concurrent), 1M rows vs 1k | ${b.p99.toFixed(2)} | ${a.p99.toFixed(2)} | ${r.toFixed(2)}× | within 10% ${verdict(r <= 1.1)} |`);
}
console.log(`| (inserting the 1M rows in each table took ${fillSeconds.toFixed(0)} s) | | | | |`);
console.log(`| tokenmanager RSS MiB, idle / after the load | ${idleRss.toFixed(0)} / ${loadedRss.toFixed(0)} | | | reported |`);
