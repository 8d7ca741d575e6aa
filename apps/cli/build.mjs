// The CLI as one file, apps/cli/dist/tessera.cjs: the launcher (bin/tessera.cjs) runs it when it
// is there. Scripts and batch systems call `tessera token` thousands of times a day, and running
// the TypeScript through tsx costs more than Node's own start-up; one minified file, loaded with
// no resolution and no transpiling, starts in little more than `node -e 0` takes.
// CommonJS, not an ES module: an ES module bundle imports every Node built-in any dependency
// names (http2, tls, child_process…) before the first line runs; as CommonJS each is required
// only when the code that needs it runs, and `tessera token` with a valid token needs few.
// `npm ci` builds it (the root `prepare` script); `npm run build -w @tessera/cli` builds it again.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import lockfile from 'proper-lockfile';

/**
 * commander requires node:child_process as it loads, for subcommands that are executables of
 * their own; tessera has none, and loading it (with node:net and the streams) is a fifth of the
 * start-up's own cost. For commander, node:child_process is required when first used instead.
 */
const lazyChildProcessForCommander = {
  name: 'lazy-child-process-for-commander',
  setup(build) {
    build.onResolve({ filter: /^node:child_process$/ }, (args) =>
      /[\\/]node_modules[\\/]commander[\\/]/.test(args.importer) ? { path: 'lazy-child-process', namespace: 'tessera' } : undefined,
    );
    build.onLoad({ filter: /^lazy-child-process$/, namespace: 'tessera' }, () => ({
      contents: "let loaded; module.exports = new Proxy({}, { get: (_, name) => (loaded ??= require('node:child_process'))[name] });",
      loader: 'js',
    }));
  },
};

const root = dirname(fileURLToPath(import.meta.url));
const outfile = join(root, 'dist/tessera.cjs');

const banner = `// tessera build ${randomBytes(8).toString('hex')}`;
// One build at a time (tests and the benchmark each build): the bundle, its map and the cache
// warmed from it belong together.
await mkdir(dirname(outfile), { recursive: true });
const release = await lockfile.lock(dirname(outfile), { lockfilePath: join(dirname(outfile), '.build.lock'), realpath: false, stale: 30_000, retries: { retries: 300, minTimeout: 100, maxTimeout: 200 } });
try {
  await buildOnce();
} finally {
  await release();
}

async function buildOnce() {
  const { outputFiles } = await build({
    entryPoints: [join(root, 'src/main.ts')],
    outfile,
    bundle: true,
    minify: true,
    // For reading a stack trace of the bundle against the sources (Node reads it itself only when
    // the bundle is run directly with --enable-source-maps).
    sourcemap: 'linked',
    platform: 'node',
    format: 'cjs',
    // Which build this is: bin/tessera.cjs uses a code cache only if it begins with the same line.
    banner: { js: banner },
    target: 'node20.19',
    // `open` finds the xdg-open script it ships beside itself through import.meta.url; the bundle
    // does not carry that script, and without a URL `open` runs the system's xdg-open instead.
    define: { 'import.meta.url': 'undefined' },
    plugins: [lazyChildProcessForCommander],
    logLevel: 'warning',
    write: false,
  });
  // Each file replaced whole (a temporary file renamed over it): a `tessera` started meanwhile runs
  // the old build or the new one, never a part. The old cache stays until the new one replaces
  // it; it names the old build, so it is not used meanwhile.
  for (const file of outputFiles) {
    const temporary = `${file.path}.${process.pid}.tmp`;
    await writeFile(temporary, file.contents);
    await rename(temporary, file.path);
  }
  await writeCodeCache();
}

/**
 * bin/tessera.cjs compiles the bundle with the V8 code cache this writes: `tessera token` run
 * once, as scripts run it (a valid token in the WLCG file), in a home of its own with a token
 * made up for it (no signature: the CLI reads a token's expiry, it does not verify it).
 */
async function writeCodeCache() {
  const home = await mkdtemp(join(tmpdir(), 'tessera-build-'));
  try {
    const issuer = 'https://tessera.invalid';
    const part = (object) => Buffer.from(JSON.stringify(object)).toString('base64url');
    const token = `${part({ alg: 'ES256', typ: 'at+jwt' })}.${part({ iss: issuer, sub: 'build', exp: Math.floor(Date.now() / 1000) + 3600 })}.`;
    const tokenFile = join(home, 'bt');
    await mkdir(join(home, 'state/tessera'), { recursive: true });
    await writeFile(tokenFile, `${token}\n`, { mode: 0o600 });
    const session = { version: 1, issuer, clientId: 'tessera-cli', refreshToken: 'none', scope: '', accessTokenFile: tokenFile, accessTokenExpiresAt: new Date().toISOString() };
    await writeFile(join(home, 'state/tessera/session.json'), JSON.stringify(session), { mode: 0o600 });
    const env = { PATH: process.env.PATH ?? '', HOME: home, XDG_STATE_HOME: join(home, 'state'), XDG_CONFIG_HOME: join(home, 'config'), BEARER_TOKEN_FILE: tokenFile, TESSERA_CLI_WRITE_CODE_CACHE: '1' };
    const printed = execFileSync(process.execPath, [join(root, 'bin/tessera.cjs'), 'token'], { env, encoding: 'utf8' });
    if (printed.trim() !== token) throw new Error(`the warm-up run of the bundle printed ${JSON.stringify(printed)}`);
    const cache = await readFile(`${outfile}.v8cache`);
    if (!cache.subarray(0, banner.length + 1).equals(Buffer.from(`${banner}\n`))) throw new Error('the warm-up run wrote no code cache for this build');
  } finally {
    await rm(home, { recursive: true, force: true });
  }
}
