// bin/tessera.cjs, what `tessera` and `npx tessera` run: the single-file build with its code
// cache, and what it does with a cache that does not fit.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from '@tessera/testing';
import pkg from '../package.json' with { type: 'json' };
import { buildCli, TESSERA_BIN } from './testing/cli-stack.js';

const run = promisify(execFile);
const home = mkdtempSync(join(tmpdir(), 'tessera-launcher-home-'));
const env = { PATH: process.env.PATH ?? '', HOME: home, TESSERA_DEBUG: '1' };

before(() => buildCli());
after(() => rmSync(home, { recursive: true, force: true }));

test('npx tessera runs the build, with its code cache', async () => {
  const { stdout, stderr } = await run('npx', ['--no-install', 'tessera', '--version'], { cwd: REPO_ROOT, env });
  assert.equal(stdout, `${pkg.version}\n`);
  assert.doesNotMatch(stderr, /code cache/);
});

test('help, as a command and as an option, is a success', async () => {
  for (const args of [['help'], ['help', 'token'], ['--help'], ['token', '--help']]) {
    const { stdout } = await run(process.execPath, [TESSERA_BIN, ...args], { env });
    assert.match(stdout, /^Usage: tessera/, args.join(' '));
  }
});

test('a bundle that ends without saying how is a failure', async () => {
  const copy = mkdtempSync(join(tmpdir(), 'tessera-launcher-'));
  try {
    cpSync(join(REPO_ROOT, 'apps/cli/bin'), join(copy, 'bin'), { recursive: true });
    cpSync(join(REPO_ROOT, 'apps/cli/dist'), join(copy, 'dist'), { recursive: true });
    writeFileSync(join(copy, 'dist/tessera.cjs'), '// tessera build 0000000000000000\n');
    await assert.rejects(run(process.execPath, [join(copy, 'bin/tessera.cjs'), 'token'], { env }), (error: { code?: number }) => error.code === 1);
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
});

test('a code cache stamped for another build, or one this Node refuses, is not used, and the build still runs', async () => {
  const copy = mkdtempSync(join(tmpdir(), 'tessera-launcher-'));
  try {
    cpSync(join(REPO_ROOT, 'apps/cli/bin'), join(copy, 'bin'), { recursive: true });
    cpSync(join(REPO_ROOT, 'apps/cli/dist'), join(copy, 'dist'), { recursive: true });
    const cache = join(copy, 'dist/tessera.cjs.v8cache');
    const built = readFileSync(cache);
    const stamp = built.subarray(0, built.indexOf(10) + 1);
    assert.match(stamp.toString(), /^\/\/ tessera build [0-9a-f]{16}\n$/);
    assert.ok(readFileSync(join(copy, 'dist/tessera.cjs'), 'utf8').startsWith(stamp.toString()), 'the cache names the build it is for');
    for (const [content, why] of [
      [Buffer.concat([Buffer.from('// tessera build 0000000000000000\n'), built.subarray(stamp.length)]), /missing, or made for another build/],
      [Buffer.concat([stamp, Buffer.from('not V8 code at all')]), /refused by this Node/],
    ] as const) {
      writeFileSync(cache, content);
      const { stdout, stderr } = await run(process.execPath, [join(copy, 'bin/tessera.cjs'), '--version'], { env });
      assert.equal(stdout, `${pkg.version}\n`);
      assert.match(stderr, why);
    }
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
});

test('the launcher is the package bin', () => {
  assert.equal(join(REPO_ROOT, 'apps/cli', pkg.bin.tessera), TESSERA_BIN);
});
