// bench/authserver: the authserver's token endpoint against node-oidc-provider 9 configured for the
// same grants (oidc-provider-process.ts), on the same machine in the same run. Each server runs
// in its own process, and so does the load generator (load.ts: 64 HTTP/1.1 keep-alive connections,
// the same for both); logs are off on both. Server CPU is read from /proc/<pid>/stat over the
// measured window, RSS from /proc/<pid>/status after it. Rows (issue 8, "Measured"):
//   - client_credentials, an ES256 JWT access token                          goal ≥ 2×
//   - refresh_token with rotation in AuthDB on MariaDB, against its rotation in memory   ≥ 1×
//   - the same on SQLite (the embedded sql.js database)                     ≥ 1.5×
//   - device-code polling while pending (authorization_pending on both)     ≥ 2×
//   - the same polls spread over 5,000 pending flows                        reported beside ≥ 2×
// and, for context, what one core signs per second (sign.ts, pinned to core 0) and what MariaDB
// sustains for the refresh's statements sent by raw mysql2 (mariadbRotationLimit). Each row also
// reports what was answered, the load generator's CPU, others' load on the machine and InnoDB's
// deadlocks and lock waits.
// Usage: npm run bench:authserver [-- --seconds 5] [--only <regex>] [--cpu-prof <dir>]  (the servers write .cpuprofile files there)
// MariaDB: TESSERA_TEST_MARIADB_URL, else mysql://root@127.0.0.1:3306; a database of its own, dropped at the end.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { createConnection, createPool } from 'mysql2/promise';
import { requireApp, type DatabaseConfig } from '@tessera/config';
import { createTestPki, freePort, REPO_ROOT, testConfig, testEnv } from '@tessera/testing';
// The sessions are seeded through AuthDB itself. @tessera/authserver has no entry module to import
// them from (its package.json names src/index.ts, which does not exist), hence the paths.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { SessionService } from '../../apps/authserver/src/services/session-service.js';
// eslint-disable-next-line @nx/enforce-module-boundaries
import { openAuthDb } from '../../apps/authserver/src/storage/create-auth-db.js';
import type { LoadResult, LoadSpec } from './load.js';

const argValue = (name: string) => (process.argv.includes(`--${name}`) ? process.argv[process.argv.indexOf(`--${name}`) + 1] : undefined);
const seconds = Number(argValue('seconds')) || 5;
const warmup = Math.min(2, seconds);
const profileDir = argValue('cpu-prof');
/** `--only <regex>`: only the rows whose name matches (for profiling one of them). */
const only = new RegExp(argValue('only') ?? '', 'i');
const CONCURRENCY = 64;
const FLOWS = 5000;
const server = process.env.TESSERA_TEST_MARIADB_URL ?? 'mysql://root@127.0.0.1:3306';
const BASIC = Buffer.from('tessera-web:dev-web-secret').toString('base64');

const cpuSeconds = (pid: number) => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
};
/** CPU seconds the whole machine has been busy (all but idle and iowait). */
const machineBusySeconds = () => {
  const ticks = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.split(/\s+/).slice(1).map(Number);
  return (ticks.reduce((a, b) => a + b, 0) - ticks[3]! - ticks[4]!) / 100;
};
const rssMiB = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
/** The MariaDB server's pid when it runs on this machine (its CPU is part of what a row costs). */
const mariadbPid = (() => {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === 'mariadbd') return Number(entry);
    } catch {
      continue;
    }
  }
  return undefined;
})();

// 1. The signing limit, first, while nothing else of this bench runs.
const signing = !only.test('client_credentials') ? '' : execFileSync('taskset', ['-c', '0', process.execPath, '--import', 'tsx', 'bench/authserver/sign.ts', '--seconds', String(Math.min(3, seconds))], { cwd: REPO_ROOT, encoding: 'utf8' });
const es256 = /\|\s*ES256\s*\|\s*(\d+)\s*\|\s*(\d+)\s*\|/.exec(signing);
const [joseSigns, nodeSigns] = [Number(es256?.[1]), Number(es256?.[2])];

interface Server {
  readonly pid: number;
  readonly port: number;
  readonly ready: Record<string, unknown>;
  stop(): Promise<void>;
}

async function startServer(name: string, script: string, args: string[], env: Record<string, string>): Promise<Server> {
  // A directory per server: tsx's loader thread writes a profile of its own beside the main thread's.
  const flags = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${join(profileDir, name)}`] : [];
  const child: ChildProcess = spawn(process.execPath, [...flags, '--import', 'tsx', script, ...args], { cwd: REPO_ROOT, env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const line = await Promise.race([
    createInterface({ input: child.stdout! })[Symbol.asyncIterator]().next().then((l) => String(l.value)),
    exited.then(() => Promise.reject(new Error(`${name} exited: ${stderr}`))),
  ]);
  const ready = JSON.parse(line) as Record<string, unknown>;
  return { pid: child.pid!, port: Number(ready.port), ready, stop: () => (child.stdin!.end(), exited) };
}

interface Measured extends LoadResult {
  serverCores: number;
  dbCores: number;
  rss: number;
  /** Cores busy on the machine with something else than the server, the load generator and MariaDB (others' tests). */
  otherCores: number;
  /** InnoDB's deadlocks and row lock waits over the window (the whole MariaDB server's). */
  innodb: { deadlocks: number; lockWaits: number; lockWaitMs: number };
}

async function innodbCounters(): Promise<Measured['innodb']> {
  const [rows] = (await admin.query("SHOW GLOBAL STATUS WHERE Variable_name IN ('Innodb_deadlocks', 'Innodb_row_lock_waits', 'Innodb_row_lock_time')")) as unknown as [{ Variable_name: string; Value: string }[]];
  const value = (name: string) => Number(rows.find((r) => r.Variable_name === name)?.Value ?? 0);
  return { deadlocks: value('Innodb_deadlocks'), lockWaits: value('Innodb_row_lock_waits'), lockWaitMs: value('Innodb_row_lock_time') };
}

/** One load run against `target`: load.ts in its own process, CPU of the server over its window. */
async function measure(target: Server, spec: Omit<LoadSpec, 'port' | 'concurrency' | 'warmup' | 'seconds'>): Promise<Measured> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/authserver/load.ts'], { cwd: REPO_ROOT, stdio: ['pipe', 'pipe', 'inherit'] });
  child.stdin.end(JSON.stringify({ ...spec, port: target.port, concurrency: CONCURRENCY, warmup, seconds } satisfies LoadSpec));
  let at0 = 0;
  let cpu0 = 0;
  let db0 = 0;
  let innodb0 = { deadlocks: 0, lockWaits: 0, lockWaitMs: 0 };
  let machine0 = 0;
  for await (const line of createInterface({ input: child.stdout })) {
    if (line === 'measuring') {
      at0 = performance.now();
      cpu0 = cpuSeconds(target.pid);
      db0 = mariadbPid ? cpuSeconds(mariadbPid) : 0;
      machine0 = machineBusySeconds();
      innodb0 = await innodbCounters();
      continue;
    }
    const window = (performance.now() - at0) / 1000;
    const serverCores = (cpuSeconds(target.pid) - cpu0) / window;
    const dbCores = mariadbPid ? (cpuSeconds(mariadbPid) - db0) / window : 0;
    const machine = (machineBusySeconds() - machine0) / window;
    const result = JSON.parse(line) as LoadResult;
    const innodb1 = await innodbCounters();
    return {
      otherCores: Math.max(0, machine - serverCores - dbCores - result.clientCores),
      innodb: { deadlocks: innodb1.deadlocks - innodb0.deadlocks, lockWaits: innodb1.lockWaits - innodb0.lockWaits, lockWaitMs: innodb1.lockWaitMs - innodb0.lockWaitMs },
      ...result,
      serverCores,
      dbCores,
      rss: rssMiB(target.pid),
    };
  }
  throw new Error('the load generator printed no result');
}

/** `count` pending device flows of tessera-cli, created over HTTP; their device codes. */
async function deviceFlows(target: Server, path: string, count: number): Promise<string[]> {
  const codes: string[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next++ < count) {
        const res = await fetch(`http://127.0.0.1:${target.port}${path}`, { method: 'POST', body: new URLSearchParams({ client_id: 'tessera-cli', scope: 'g:dirac_user' }) });
        const body = (await res.json()) as { device_code?: string };
        if (!body.device_code) throw new Error(`${path} answered ${res.status} ${JSON.stringify(body)}`);
        codes.push(body.device_code);
      }
    }),
  );
  return codes;
}

/** Sessions of tessera-web started through AuthDB, as a code redemption starts them; their refresh tokens. */
async function seedSessions(database: DatabaseConfig, policy: ConstructorParameters<typeof SessionService>[1], count: number): Promise<string[]> {
  const opened = await openAuthDb(database);
  await opened.migrate();
  const sessions = new SessionService(opened.db, policy);
  const tokens: string[] = [];
  for (let i = 0; i < count; i++) {
    const issued = await opened.db.transaction((stores) =>
      sessions.start(stores, {
        clientId: 'tessera-web',
        identity: { userId: 'alice', group: 'dirac_user', vo: 'dirac', provider: 'dev-idp', providerSubject: 'alice' },
        scopes: ['g:dirac_user'],
        origin: { ipAddress: '127.0.0.1', userAgent: 'bench' },
      }),
    );
    tokens.push(issued.refreshToken);
  }
  await opened.db.close();
  return tokens;
}

/**
 * The MariaDB limit of a rotation: the statements the authserver sends for one refresh (two reads,
 * then a transaction reading the token, locking the session, retiring the token, inserting its
 * successor and moving the session's generation), by raw mysql2 with the authserver's pool size
 * (10), 64 at a time, on sessions of their own in the same tables. No HTTP, no ORM, no JWT. A
 * transaction that deadlocks runs again, as the authserver's do. `retire`: how the presented token
 * is retired, as the authserver does (every current token of the session, through the session_id
 * index) or by its primary key.
 */
async function mariadbRotationLimit(databaseUrl: string, tokens: string[], retire: 'by session' | 'by key'): Promise<{ tps: number; dbCores: number; deadlocks: number; clientCores: number }> {
  const pool = createPool({ uri: databaseUrl, connectionLimit: 10, timezone: 'Z' });
  const hash = (t: string) => createHash('sha256').update(t, 'utf8').digest('base64url');
  let deadlocks = 0;
  const rotate = async (token: string): Promise<string> => {
    const [[record]] = (await pool.query('SELECT * FROM refresh_tokens WHERE token_hash = ?', [hash(token)])) as unknown as [{ session_id: string }[]];
    await pool.query('SELECT * FROM sessions WHERE id = ?', [record!.session_id]);
    const next = `tsr_${randomBytes(32).toString('base64url')}`;
    for (;;) {
      const c = await pool.getConnection();
      try {
        await c.query('START TRANSACTION');
        await c.query('SELECT * FROM refresh_tokens WHERE token_hash = ?', [hash(token)]);
        const [[session]] = (await c.query('SELECT * FROM sessions WHERE id = ? FOR UPDATE', [record!.session_id])) as unknown as [{ generation: number }[]];
        const now = new Date();
        if (retire === 'by session') await c.query('UPDATE refresh_tokens SET rotated_at = ? WHERE session_id = ? AND rotated_at IS NULL', [now, record!.session_id]);
        else await c.query('UPDATE refresh_tokens SET rotated_at = ? WHERE token_hash = ? AND rotated_at IS NULL', [now, hash(token)]);
        await c.query('INSERT INTO refresh_tokens (token_hash, session_id, generation, issued_at, rotated_at) VALUES (?, ?, ?, ?, NULL)', [hash(next), record!.session_id, session!.generation + 1, now]);
        await c.query('UPDATE sessions SET generation = ?, last_used_at = ? WHERE id = ?', [session!.generation + 1, now, record!.session_id]);
        await c.query('COMMIT');
        return next;
      } catch (error) {
        await c.query('ROLLBACK');
        if ((error as { code?: string }).code !== 'ER_LOCK_DEADLOCK') throw error;
        deadlocks++;
      } finally {
        c.release();
      }
    }
  };
  let count = 0;
  let db0 = 0;
  let at0 = 0;
  let deadlocks0 = 0;
  let cpu0 = process.cpuUsage();
  const begin = performance.now();
  const start = begin + warmup * 1000;
  const end = start + seconds * 1000;
  await Promise.all(
    tokens.map(async (first) => {
      let token = first;
      for (;;) {
        const now = performance.now();
        if (now >= end) return;
        if (now >= start && at0 === 0) {
          at0 = now;
          db0 = mariadbPid ? cpuSeconds(mariadbPid) : 0;
          deadlocks0 = deadlocks;
          cpu0 = process.cpuUsage();
        }
        token = await rotate(token);
        if (now >= start) count++;
      }
    }),
  );
  const window = (performance.now() - at0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  await pool.end();
  return { tps: count / seconds, dbCores: mariadbPid ? (cpuSeconds(mariadbPid) - db0) / window : 0, deadlocks: deadlocks - deadlocks0, clientCores: (cpu.user + cpu.system) / 1e6 / window };
}

const pki = await createTestPki();
const database = `tessera_bench_authserver_${randomBytes(4).toString('hex')}`;
const admin = await createConnection(server);
await admin.query(`CREATE DATABASE \`${database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`);
const url = new URL(server);
url.pathname = `/${database}`;
const sqlitePath = join(tmpdir(), `${database}.sqlite`);
// tokenmanager and the idp-gateway are not needed for these grants; the authserver connects lazily.
const common = {
  TESSERA__APPS__AUTHSERVER__TOKENMANAGER__ADDRESS: '127.0.0.1:1',
  TESSERA__APPS__AUTHSERVER__IDPGATEWAY__ADDRESS: '127.0.0.1:1',
  // Polls in a tight loop stay in time (authorization_pending, as oidc-provider answers, which has
  // no polling pace); with the default 5 s they would be answered slow_down.
  TESSERA__APPS__AUTHSERVER__DEVICEFLOW__INTERVAL: '0s',
  TESSERA__LOG__LEVEL: 'silent',
};
const mariadbEnv = testEnv(pki, { ...common, TESSERA__APPS__AUTHSERVER__DATABASE: JSON.stringify({ type: 'mariadb', url: url.href }), TESSERA__APPS__AUTHSERVER__DATABASE__PATH: '' });
const sqliteEnv = testEnv(pki, { ...common, TESSERA__APPS__AUTHSERVER__DATABASE__PATH: sqlitePath });
const appOf = (env: Record<string, string>) => requireApp(testConfig(pki, env), 'authserver');

const results: Record<string, { tessera: Measured; baseline: Measured }> = {};
const rotationLimits: Partial<Record<'by session' | 'by key', Awaited<ReturnType<typeof mariadbRotationLimit>>>> = {};
try {
  // The baseline holds 128 refresh tokens: 64 for the MariaDB row's workers, 64 for the SQLite row's.
  const baseline = await startServer('oidc-provider', 'bench/authserver/oidc-provider-process.ts', [String(await freePort()), String(2 * CONCURRENCY)], {});
  const baselineTokens = baseline.ready.refreshTokens as string[];

  const mariadbApp = appOf(mariadbEnv);
  const mariadbTokens = await seedSessions(mariadbApp.database, mariadbApp, CONCURRENCY);
  const onMariadb = await startServer('authserver-mariadb', 'bench/authserver/authserver-process.ts', [], mariadbEnv);

  const row = async (name: string, tessera: Server, baselineServer: Server, specs: () => Promise<[Parameters<typeof measure>[1], Parameters<typeof measure>[1]]>) => {
    if (!only.test(name)) return;
    const [forTessera, forBaseline] = await specs();
    results[name] = { tessera: await measure(tessera, forTessera), baseline: await measure(baselineServer, forBaseline) };
  };
  await row('client_credentials (ES256 JWT access token)', onMariadb, baseline, async () => [{ kind: 'cc', basic: BASIC }, { kind: 'cc', basic: BASIC }]);
  await row('refresh_token, rotation in MariaDB (baseline: in memory)', onMariadb, baseline, async () => [
    { kind: 'refresh', basic: BASIC, refreshTokens: mariadbTokens },
    { kind: 'refresh', basic: BASIC, refreshTokens: baselineTokens.slice(0, CONCURRENCY) },
  ]);
  if (only.test('refresh_token, rotation in MariaDB')) {
    for (const retire of ['by session', 'by key'] as const) rotationLimits[retire] = await mariadbRotationLimit(url.href, await seedSessions(mariadbApp.database, mariadbApp, CONCURRENCY), retire);
  }
  const few = async () => [await deviceFlows(onMariadb, '/device_authorization', CONCURRENCY), await deviceFlows(baseline, '/device/auth', CONCURRENCY)];
  let flows: string[][] = [];
  await row('device poll, pending (64 flows)', onMariadb, baseline, async () => {
    flows = await few();
    return [{ kind: 'device', deviceCodes: flows[0] }, { kind: 'device', deviceCodes: flows[1] }];
  });
  await row(`device poll, pending, spread over ${FLOWS.toLocaleString('en')} flows`, onMariadb, baseline, async () => {
    if (flows.length === 0) flows = await few();
    const more = [await deviceFlows(onMariadb, '/device_authorization', FLOWS - CONCURRENCY), await deviceFlows(baseline, '/device/auth', FLOWS - CONCURRENCY)];
    return [{ kind: 'device', deviceCodes: [...flows[0]!, ...more[0]!] }, { kind: 'device', deviceCodes: [...flows[1]!, ...more[1]!] }];
  });
  await onMariadb.stop();

  // sql.js holds the whole database in the one process that opened it: seeded before it starts.
  const sqliteName = 'refresh_token, rotation in SQLite (baseline: in memory)';
  if (only.test(sqliteName)) {
    const sqliteApp = appOf(sqliteEnv);
    const sqliteTokens = await seedSessions(sqliteApp.database, sqliteApp, CONCURRENCY);
    const onSqlite = await startServer('authserver-sqlite', 'bench/authserver/authserver-process.ts', [], sqliteEnv);
    await row(sqliteName, onSqlite, baseline, async () => [
      { kind: 'refresh', basic: BASIC, refreshTokens: sqliteTokens },
      { kind: 'refresh', basic: BASIC, refreshTokens: baselineTokens.slice(CONCURRENCY) },
    ]);
    await onSqlite.stop();
  }
  await baseline.stop();
} finally {
  await admin.query(`DROP DATABASE IF EXISTS \`${database}\``);
  await admin.end();
  rmSync(sqlitePath, { force: true });
  pki.remove();
}

const GOALS: [RegExp, number, string][] = [
  [/^client_credentials/, 2, '≥ 2×'],
  [/MariaDB/, 1, '≥ 1×'],
  [/SQLite/, 1.5, '≥ 1.5×'],
  [/^device poll, pending \(/, 2, '≥ 2×'],
  [/^device poll, pending, spread/, 2, '≥ 2× (as pending)'],
];
const order = ['client_credentials', 'refresh_token, rotation in MariaDB', 'refresh_token, rotation in SQLite', 'device poll, pending (', 'device poll, pending, spread'];
const rows = Object.entries(results).sort(([a], [b]) => order.findIndex((o) => a.startsWith(o)) - order.findIndex((o) => b.startsWith(o)));
const f0 = (n: number) => n.toLocaleString('en', { maximumFractionDigits: 0 });
const ms = (r: Measured) => `${r.p50.toFixed(1)} / ${r.p99.toFixed(1)}`;
// MariaDB's CPU beside the authserver's where the authserver uses it (for the baseline it would be others' load).
const cores = (r: Measured, db = false) => `${r.serverCores.toFixed(2)}${db && r.dbCores >= 0.05 ? ` (+${r.dbCores.toFixed(2)} MariaDB)` : ''}`;

console.log(`\nbench/authserver: Tessera's authserver against node-oidc-provider 9 (same grants, ES256 JWT access tokens, in-memory store), each its own process; load generator in its own process, ${CONCURRENCY} keep-alive HTTP/1.1 connections; ${warmup} s warm-up + ${seconds} s per cell; ${cpus().length} cores\n`);
console.log('| scenario | Tessera req/s | baseline req/s | ratio | goal | met? | per server core ratio | p50 / p99 ms Tessera | p50 / p99 ms baseline | server CPU cores Tessera | server CPU cores baseline | RSS MiB Tessera | RSS MiB baseline |');
console.log('|---|---:|---:|---:|---|---|---:|---:|---:|---:|---:|---:|---:|');
for (const [name, { tessera, baseline }] of rows) {
  const [, goal, goalText] = GOALS.find(([re]) => re.test(name))!;
  const ratio = tessera.rps / baseline.rps;
  const perCore = tessera.rps / tessera.serverCores / (baseline.rps / baseline.serverCores);
  console.log(
    `| ${name} | ${f0(tessera.rps)} | ${f0(baseline.rps)} | ${ratio.toFixed(2)}× | ${goalText} | ${ratio >= goal ? 'met' : 'missed'} | ${perCore.toFixed(2)}× | ${ms(tessera)} | ${ms(baseline)} | ${cores(tessera, !name.includes('SQLite'))} | ${cores(baseline)} | ${tessera.rss.toFixed(0)} | ${baseline.rss.toFixed(0)} |`,
  );
}
console.log('\nAnswers in the measured windows (status and OAuth error), and the load generator\'s own CPU:\n');
for (const [name, { tessera, baseline }] of rows) {
  const tally = (r: Measured) => `${Object.entries(r.answers).map(([k, v]) => `${k} ×${f0(v)}`).join(', ')}; load generator ${r.clientCores.toFixed(2)} cores, others on the machine ${r.otherCores.toFixed(2)} cores`;
  const locks = name.includes('SQLite') ? '' : ` (InnoDB meanwhile: ${f0(tessera.innodb.deadlocks)} deadlocks, ${f0(tessera.innodb.lockWaits)} row lock waits, ${f0(tessera.innodb.lockWaitMs)} ms waited)`;
  console.log(`- ${name}: Tessera ${tally(tessera)}${locks} · baseline ${tally(baseline)}`);
}
const onMariadbRow = rows.find(([name]) => name.includes('MariaDB'))?.[1];
const bySession = rotationLimits['by session'];
const byKey = rotationLimits['by key'];
if (bySession && byKey && onMariadbRow) {
  console.log(
    `\nMariaDB's limit for a rotation: the refresh's statements by raw mysql2 (pool of 10, 64 at a time, no HTTP, ORM or JWT) run ${f0(bySession.tps)} rotations/s ` +
      `(${f0(bySession.deadlocks)} deadlocks retried; MariaDB ${bySession.dbCores.toFixed(2)} cores, mysql2 ${bySession.clientCores.toFixed(2)} cores: ${((1000 * bySession.clientCores) / bySession.tps).toFixed(2)} ms of client CPU per rotation against the authserver's ${((1000 * onMariadbRow.tessera.serverCores) / onMariadbRow.tessera.rps).toFixed(2)} ms per refresh); ` +
      `the authserver reached ${((100 * onMariadbRow.tessera.rps) / bySession.tps).toFixed(0)}% of it. ` +
      `Retiring the presented token by its primary key instead of every current token of the session (through the session_id index): ${f0(byKey.tps)} rotations/s, ${f0(byKey.deadlocks)} deadlocks.`,
  );
}
const cc = rows.find(([name]) => name.startsWith('client_credentials'))?.[1];
if (cc) {
console.log(`\nSigning limit, one core (bench/authserver/sign.ts pinned to core 0):\n\n${signing.trim()}\n`);
const tPerCore = cc.tessera.rps / cc.tessera.serverCores;
const bPerCore = cc.baseline.rps / cc.baseline.serverCores;
const busy = (r: Measured) => r.serverCores + r.clientCores + r.dbCores + r.otherCores;
console.log(
  `client_credentials: Tessera issues ${f0(tPerCore)} tokens per server core, ${((100 * tPerCore) / nodeSigns).toFixed(0)}% of node:crypto's ES256 limit (${f0(nodeSigns)}/s), so a signature is ${((100 * tPerCore) / nodeSigns).toFixed(0)}% of each request's cost; ` +
    `oidc-provider ${f0(bPerCore)} per core, ${((100 * bPerCore) / joseSigns).toFixed(0)}% of jose's (${f0(joseSigns)}/s). ` +
    `The authserver's event loop was busy ${cc.tessera.serverCores.toFixed(2)} cores (one process: JavaScript runs on one core) with the machine at ${busy(cc.tessera).toFixed(2)} of ${cpus().length} cores (server, load generator, others): ` +
    (cc.tessera.serverCores >= 0.85
      ? 'the limit hit is that one core, of which the signature takes the share above, not the signing limit.'
      : busy(cc.tessera) >= 1.8
        ? "the limit hit is the machine's cores, shared with the load generator and others, not the signing limit."
        : 'neither the event loop, the machine nor the signing limit was reached.'),
  );
}
if (profileDir) console.log(`\nCPU profiles: ${profileDir}/<server>/*.cpuprofile (the largest is the main thread)`);
