// `npm run pki`: creates or completes the dev PKI (DESIGN: `.dev/pki/`) and says which files it
// wrote. `npm start` does the same silently; this is for recreating it (--force) or another dir.
//   node --import tsx tools/dev-pki.ts [--dir .dev/pki] [--trust-domain tessera.dev] [--force]
import { readdir, stat } from 'node:fs/promises';
import { isAbsolute, join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { ensureDevPki } from '@tessera/pki';

const USAGE = 'usage: node --import tsx tools/dev-pki.ts [--dir .dev/pki] [--trust-domain tessera.dev] [--force]';

let args;
try {
  args = parseArgs({
    options: {
      dir: { type: 'string', default: '.dev/pki' },
      'trust-domain': { type: 'string', default: 'tessera.dev' },
      force: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
    allowPositionals: false,
  }).values;
} catch (error) {
  console.error(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
  process.exit(2);
}
if (args.help) {
  console.log(USAGE);
  process.exit(0);
}

// ensureDevPki reports only whether it wrote anything; comparing the directory before and after
// tells which files, without the CLI knowing the layout. Every write is a rename, so a rewritten
// file has a new inode even when it was rewritten within the same millisecond.
async function snapshot(dir: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  const names = await readdir(dir).catch(() => [] as string[]);
  for (const name of names) {
    const info = await stat(join(dir, name));
    if (info.isFile()) files.set(name, `${info.ino}:${info.mtimeMs}`);
  }
  return files;
}

// Paths under the working directory print relative to it, others as they are.
function shown(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel === '' ? '.' : rel.startsWith('..') || isAbsolute(rel) ? path : rel;
}

const before = await snapshot(args.dir);
let pki;
try {
  pki = await ensureDevPki({ dir: args.dir, trustDomain: args['trust-domain'], force: args.force });
} catch (error) {
  console.error(`dev-pki: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
const after = await snapshot(pki.dir);
const written = [...after].filter(([name, id]) => before.get(name) !== id).map(([name]) => name);

for (const path of pki.tightened) console.warn(`tightened ${shown(path)}: group or others could read it (--force recreates everything)`);
if (!pki.created && pki.tightened.length === 0) {
  console.log(`the dev PKI in ${shown(pki.dir)} is complete; nothing written (--force recreates it)`);
} else if (pki.created) {
  console.log(`wrote to ${shown(pki.dir)} (trust domain ${args['trust-domain']}):`);
  for (const name of written.sort()) console.log(`  ${shown(join(pki.dir, name))}`);
}
console.log(`CA certificate: ${shown(pki.caFile)}`);
