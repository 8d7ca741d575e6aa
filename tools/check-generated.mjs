#!/usr/bin/env node
// Proves that the committed generated code matches proto/: regenerates with the same plugins and
// options as buf.gen.yaml, but into a temporary directory, and compares the two trees byte for
// byte. Exits 1 listing every differing, missing or extra file; nothing in the repository is
// written. Run from anywhere: paths are resolved from the repository root.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const buf = join(root, 'node_modules', '.bin', 'buf');

/** Every file under dir, as paths relative to dir, sorted; empty if dir does not exist. */
function listFiles(dir) {
  const out = [];
  const walk = (d) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const path = join(d, entry.name);
      if (entry.isDirectory()) walk(path);
      else out.push(relative(dir, path));
    }
  };
  if (existsSync(dir)) walk(dir);
  return out.sort();
}

const template = parse(readFileSync(join(root, 'buf.gen.yaml'), 'utf8'));
const plugins = template.plugins ?? [];
if (plugins.length === 0) {
  console.error('check-generated: buf.gen.yaml lists no plugins');
  process.exit(1);
}

const tmp = mkdtempSync(join(tmpdir(), 'tessera-gen-'));
const problems = [];
try {
  // Same template, only each plugin's output moved under the temporary directory.
  const override = { ...template, clean: false, plugins: plugins.map((p) => ({ ...p, out: join(tmp, p.out) })) };
  const run = spawnSync(buf, ['generate', '--template', JSON.stringify(override)], { cwd: root, encoding: 'utf8' });
  if (run.error || run.status !== 0) {
    console.error(`check-generated: buf generate failed\n${run.error?.message ?? ''}${run.stderr}`);
    process.exit(1);
  }

  for (const out of new Set(plugins.map((p) => p.out))) {
    const committedDir = join(root, out);
    const freshDir = join(tmp, out);
    const committed = new Set(listFiles(committedDir));
    const fresh = listFiles(freshDir);
    for (const file of fresh) {
      if (!committed.has(file)) problems.push(`missing: ${join(out, file)}`);
      else if (!readFileSync(join(committedDir, file)).equals(readFileSync(join(freshDir, file)))) {
        problems.push(`differs: ${join(out, file)}`);
      }
      committed.delete(file);
    }
    for (const file of committed) problems.push(`extra:   ${join(out, file)}`);
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}

if (problems.length > 0) {
  console.error('check-generated: generated code does not match proto/ (run `npm run proto:generate`):');
  for (const problem of problems) console.error(`  ${problem}`);
  process.exit(1);
}
console.log('check-generated: generated code matches proto/');
