#!/usr/bin/env node
// Runs every *.spec.ts under the given directories (or the given files) (default: apps, libs, tools, e2e) with
// node's test runner and tsx. Node 20 does not expand globs and passes with zero files, so the
// list is built here and an empty list is a failure.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync, existsSync, readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { providePackages } from './test-packages.mjs';
import { provideMariadb } from './test-mariadb.mjs';

const roots = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const flags = process.argv.slice(2).filter((a) => a.startsWith('-'));
const dirs = roots.length > 0 ? roots : ['libs', 'apps', 'tools', 'e2e'];

function collect(dir, out) {
  if (!existsSync(dir)) return out;
  if (!statSync(dir).isDirectory()) return dir.endsWith('.spec.ts') ? [...out, dir] : out;
  for (const entry of readdirSync(dir)) {
    if (entry === 'node_modules' || entry.startsWith('.')) continue;
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) collect(path, out);
    else if (entry.endsWith('.spec.ts')) out.push(path);
  }
  return out;
}

const files = dirs.flatMap((d) => collect(d, [])).sort();
if (files.length === 0) {
  console.error(`run-tests: no *.spec.ts files under ${dirs.join(', ')}`);
  process.exit(1);
}
console.error(`run-tests: ${files.length} files`);
// A second reporter writes TAP to a file so that the number of tests run can be checked.
const scratch = mkdtempSync(join(tmpdir(), 'tessera-tests-'));
const tap = join(scratch, 'report.tap');
let mariadb;
try {
  providePackages(files);
  mariadb = await provideMariadb();
} catch (error) {
  console.error(error.message);
  process.exit(1);
}
const result = spawnSync(
  process.execPath,
  [
    '--import', 'tsx', '--test', '--test-concurrency=1', '--test-timeout=120000',
    '--test-reporter=spec', '--test-reporter-destination=stdout',
    '--test-reporter=tap', `--test-reporter-destination=${tap}`,
    ...flags, ...files.map((f) => relative(process.cwd(), f)),
  ],
  { stdio: 'inherit', env: { ...process.env, NODE_ENV: 'test', TESSERA_TEST_MARIADB_URL: mariadb.url } },
);
await mariadb.stop();
const report = existsSync(tap) ? readFileSync(tap, 'utf8') : '';
rmSync(scratch, { recursive: true, force: true });
const count = (name) => Number(new RegExp(`^# ${name} (\\d+)$`, "m").exec(report)?.[1] ?? 0);
if (result.status === 0 && count('tests') === 0) {
  console.error('run-tests: the runner ran no test; that is a failure');
  process.exit(1);
}
console.log(`${count('pass')} passed, ${count('fail')} failed, ${count('skipped')} skipped`);
process.exit(result.status ?? 1);
