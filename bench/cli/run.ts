// bench/cli: the wall time of `tessera` as scripts and batch systems call it, each run a whole
// process, paired against `node -e 0` run alternately in the same loop (A B A B …), so that the
// ratio of each pair holds while the machine's speed drifts. Rows (issue 9, "Measured"):
//   - `tessera token` with a valid cached token, the single-file build (what `tessera` runs)   goal ≤ 2×
//   - the same from the sources through tsx (TESSERA_CLI_SOURCE=1), for comparison              reported
//   - `tessera token --min-lifetime 1h`: a refresh at the dev stack on every call                 reported
// The stack is the CLI tests' (each app a process, SQLite in memory); the login is approved through
// dev-idp with the form browser before anything is timed. CPU is the children's user+system time
// from /proc/self/stat (cutime, cstime: 10 ms ticks, summed over all runs of a command).
// Usage: npm run bench:cli [-- --runs 30]
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '@tessera/testing';
// The CLI's own test stack and its device approval: apps/cli has no entry module to import them
// from, hence the paths.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { approveDevice } from '../../apps/cli/src/testing/approve-device.js';
// eslint-disable-next-line @nx/enforce-module-boundaries
import { cliHome, spawnCli, startCliStack } from '../../apps/cli/src/testing/cli-stack.js';

const argValue = (name: string) => (process.argv.includes(`--${name}`) ? process.argv[process.argv.indexOf(`--${name}`) + 1] : undefined);
const RUNS = Number(argValue('runs')) || 20;
const WARMUP = 2;
const TESSERA = join(REPO_ROOT, 'apps/cli/bin/tessera.cjs');

/** User + system seconds of this process's waited-for children so far. */
const childCpuSeconds = () => {
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[13]) + Number(fields[14])) / 100;
};

interface Timed {
  wallMs: number;
  code: number | null;
  stderr: string;
}

function timeOnce(argv: string[], env: NodeJS.ProcessEnv): Promise<Timed> {
  const started = process.hrtime.bigint();
  const child = spawn(argv[0]!, argv.slice(1), { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ wallMs: Number(process.hrtime.bigint() - started) / 1e6, code, stderr }));
  });
}

interface Paired {
  a: number[];
  b: number[];
  ratios: number[];
  cpuA: number;
  cpuB: number;
}

/** A and B in turn, both in `env` (B in `envB` when given), WARMUP pairs uncounted, then RUNS
 * pairs; every run of A must exit 0. */
async function paired(a: string[], env: NodeJS.ProcessEnv, b: string[], envB = env): Promise<Paired> {
  const result: Paired = { a: [], b: [], ratios: [], cpuA: 0, cpuB: 0 };
  for (let i = 0; i < WARMUP + RUNS; i++) {
    const cpu = childCpuSeconds();
    const ta = await timeOnce(a, env);
    if (ta.code !== 0) throw new Error(`${a.join(' ')} exited with ${ta.code}: ${ta.stderr}`);
    const afterA = childCpuSeconds();
    const tb = await timeOnce(b, envB);
    const afterB = childCpuSeconds();
    if (i < WARMUP) continue;
    result.cpuA += afterA - cpu;
    result.cpuB += afterB - afterA;
    result.a.push(ta.wallMs);
    result.b.push(tb.wallMs);
    result.ratios.push(ta.wallMs / tb.wallMs);
  }
  return result;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((x, y) => x - y);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

console.error('bench/cli: building the single-file CLI and starting the stack (startCliStack does both), logging in as bob');
const stack = await startCliStack();
const home = cliHome(stack.issuer);
try {
  const login = spawnCli(['login', '--no-browser', '--group', 'dirac_user', '--lifetime', '12h'], home.env);
  const [, url] = await login.waitForStderr(/or open (\S+)/);
  await approveDevice(url!, 'bob');
  const loggedIn = await login.done;
  if (loggedIn.code !== 0) throw new Error(`tessera login failed: ${loggedIn.stderr}`);

  const node = [process.execPath, TESSERA];
  const baseline = [process.execPath, '-e', '0'];
  const rows: [string, Paired, number | undefined][] = [
    ['`tessera token`, valid cached token (single-file build)', await paired([...node, 'token'], home.env, baseline), 2],
    ['`tessera token`, valid cached token (sources through tsx)', await paired([...node, 'token'], { ...home.env, TESSERA_CLI_SOURCE: '1' }, baseline), undefined],
    // The tokens live 12 h: asking for 13 h refreshes on every call.
    ['`tessera token --min-lifetime 13h`, refreshed at the dev stack (single-file build)', await paired([...node, 'token', '--min-lifetime', '13h'], home.env, baseline), undefined],
  ];
  const refreshes = await stack.refreshes();

  const ms = (x: number) => x.toFixed(0);
  console.log(`\n${RUNS} runs each after ${WARMUP} warm-up pairs; node ${process.version}; baseline \`node -e 0\` run alternately with each row\n`);
  console.log('| command | wall ms median (min–max) | `node -e 0` wall ms median | ratio, median of pairs (min–max) | goal | met? | CPU ms per run | `node -e 0` CPU ms per run |');
  console.log('|---|---|---|---|---|---|---|---|');
  for (const [name, r, goal] of rows) {
    const ratio = median(r.ratios);
    const verdict = goal === undefined ? '' : ratio <= goal ? 'met' : 'missed';
    console.log(
      `| ${name} | ${ms(median(r.a))} (${ms(Math.min(...r.a))}–${ms(Math.max(...r.a))}) | ${ms(median(r.b))} | ${ratio.toFixed(2)}× (${Math.min(...r.ratios).toFixed(2)}–${Math.max(...r.ratios).toFixed(2)}) | ${goal === undefined ? 'reported' : `≤ ${goal}×`} | ${verdict} | ${ms((1000 * r.cpuA) / RUNS)} | ${ms((1000 * r.cpuB) / RUNS)} |`,
    );
  }
  console.log(`\nThe refresh row refreshed ${refreshes} times at the authserver (${RUNS + WARMUP} expected, one per run).`);
  if (process.env.NODE_EXTRA_CA_CERTS) {
    // Every Node process reads that file as it starts, before any line of tessera runs.
    const withCaCerts = await paired(baseline, { ...home.env, NODE_EXTRA_CA_CERTS: process.env.NODE_EXTRA_CA_CERTS }, baseline, home.env);
    console.log(`NODE_EXTRA_CA_CERTS is set here, not in the rows' environment: with it \`node -e 0\` takes ${ms(median(withCaCerts.a))} ms instead of ${ms(median(withCaCerts.b))} ms, and every ratio above would look smaller.`);
  }
} finally {
  home.remove();
  await stack.close();
}
