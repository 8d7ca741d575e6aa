import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CliError } from '../cli-error.js';
import { ExitCode } from '../exit-codes.js';
import { issuerSettings } from './issuer-settings.js';

let dir: string;
before(() => (dir = mkdtempSync(join(tmpdir(), 'tessera-config-'))));
after(() => rmSync(dir, { recursive: true, force: true }));

test('--issuer, then TESSERA_ISSUER, then the config file; none is undefined', async () => {
  const file = join(dir, 'config.json');
  writeFileSync(file, JSON.stringify({ issuer: 'https://file.example/', clientId: 'my-cli' }));
  const env = { TESSERA_ISSUER: 'https://env.example' };
  assert.deepEqual(await issuerSettings('https://option.example', env, file), { issuer: 'https://option.example', clientId: 'my-cli', explicit: true });
  assert.deepEqual(await issuerSettings(undefined, env, file), { issuer: 'https://env.example', clientId: 'my-cli', explicit: true });
  assert.deepEqual(await issuerSettings(undefined, {}, file), { issuer: 'https://file.example', clientId: 'my-cli', explicit: false });
  assert.equal(await issuerSettings(undefined, {}, join(dir, 'none.json')), undefined);
});

test('a bad issuer or config file is a usage error (exit 2)', async () => {
  const usage = (e: CliError) => e.exitCode === ExitCode.usage;
  await assert.rejects(issuerSettings('not a url', {}, join(dir, 'none.json')), usage);
  await assert.rejects(issuerSettings('ftp://x', {}, join(dir, 'none.json')), usage);
  const file = join(dir, 'typo.json');
  writeFileSync(file, JSON.stringify({ isuer: 'https://x' }));
  await assert.rejects(issuerSettings(undefined, {}, file), (e: CliError) => usage(e) && /unknown key "isuer"/.test(e.message));
});
