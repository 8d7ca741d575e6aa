// The module boundaries really constrain: every deliberate violation in lint-fixtures/ is rejected,
// and the same lint accepts a legitimate import at the same place.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ESLint } from 'eslint';

const fixtures = join(import.meta.dirname, 'lint-fixtures');
// The boundary rule reads Nx's project graph; computing it once makes this test independent of
// whatever ran before.
execFileSync(process.execPath, ['node_modules/nx/dist/bin/nx.js', 'show', 'projects'], { env: { ...process.env, NX_DAEMON: 'false' }, stdio: 'ignore' });
const eslint = new ESLint({ cwd: process.cwd() });

async function lintAt(filePath: string, code: string) {
  const [result] = await eslint.lintText(code, { filePath });
  return result!.messages.map((m) => `${m.ruleId}: ${m.message}`);
}

for (const file of readdirSync(fixtures).filter((f) => f.endsWith('.txt'))) {
  test(`lint rejects ${file.replace('.txt', '')}`, async () => {
    const code = readFileSync(join(fixtures, file), 'utf8');
    const at = /^\/\/ at: (\S+)/.exec(code)?.[1];
    assert.ok(at, `${file} names the path it pretends to live at`);
    const messages = await lintAt(at, code);
    assert.ok(
      messages.some((m) => m.startsWith('@nx/enforce-module-boundaries') || m.startsWith('no-restricted-imports')),
      `expected a boundary error, got: ${messages.join(' | ') || 'none'}`,
    );
  });
}

test('lint accepts a legitimate import at the same place', async () => {
  const messages = await lintAt('apps/tokenmanager/src/allowed.ts', "import { defineService } from '@tessera/rpc';\nexport const x = defineService;\n");
  assert.deepEqual(messages, []);
});
