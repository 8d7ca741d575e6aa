// The Debian packages the tests drive for real: Chromium for the browser tests (libs/testing
// launchChromium: CHROMIUM_PATH, else /usr/bin/chromium) and tmux for the pseudo-terminal tests
// (libs/testing startPseudoTerminal: TMUX_PATH, else /usr/bin/tmux). Each is checked only when a
// test file calls its helper. A missing one is installed if this process may (root with apt-get);
// otherwise the run stops before any test with a message naming the package. `npx playwright
// install` cannot download here.
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, readFileSync } from 'node:fs';

const PACKAGES = [
  { name: 'chromium', usedBy: 'launchChromium(', variable: 'CHROMIUM_PATH', path: '/usr/bin/chromium', what: 'the browser tests' },
  { name: 'tmux', usedBy: 'startPseudoTerminal(', variable: 'TMUX_PATH', path: '/usr/bin/tmux', what: 'the pseudo-terminal tests' },
];

const executable = (path) => {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

function install(names) {
  if (process.getuid?.() !== 0 || !existsSync('/usr/bin/apt-get')) return false;
  console.error(`test-packages: installing ${names.join(', ')} from Debian packages`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  return spawnSync('apt-get', ['install', '-y', '-qq', ...names], { stdio: 'inherit', env }).status === 0;
}

/** Makes sure each package one of `files` needs is there; throws, naming the package, if not. */
export function providePackages(files) {
  const sources = files.map((file) => readFileSync(file, 'utf8'));
  const needed = PACKAGES.filter((p) => sources.some((source) => source.includes(p.usedBy)));
  const at = (p) => process.env[p.variable] ?? p.path;
  const missing = needed.filter((p) => !executable(at(p)));
  const installable = missing.filter((p) => process.env[p.variable] === undefined);
  if (installable.length > 0) install(installable.map((p) => p.name));
  const still = missing.filter((p) => !executable(at(p)));
  if (still.length > 0) {
    throw new Error(still.map((p) => `test-packages: ${p.what} need ${p.name} at ${at(p)}: install the Debian package ${p.name} (apt-get install ${p.name}), or set ${p.variable}`).join('\n'));
  }
}
