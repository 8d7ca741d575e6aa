// Chromium for the browser tests (libs/testing launchChromium: CHROMIUM_PATH, else Debian's
// /usr/bin/chromium). Checked only when a test file launches it. When it is missing, Debian's
// chromium is installed if this process may (root with apt-get); otherwise the run stops before
// any test with a message naming the package. `npx playwright install` cannot download here.
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, readFileSync } from 'node:fs';

const executable = (path) => {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

function install() {
  if (process.getuid?.() !== 0 || !existsSync('/usr/bin/apt-get')) return false;
  console.error('test-chromium: installing chromium from Debian packages');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  return spawnSync('apt-get', ['install', '-y', '-qq', 'chromium'], { stdio: 'inherit', env }).status === 0;
}

/** Makes sure Chromium is there when one of `files` needs it; throws, naming the package, if not. */
export function provideChromium(files) {
  if (!files.some((file) => readFileSync(file, 'utf8').includes('launchChromium('))) return;
  const path = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (executable(path)) return;
  if (process.env.CHROMIUM_PATH === undefined && install() && executable(path)) return;
  throw new Error(`test-chromium: the browser tests need Chromium at ${path}: install the Debian package chromium (apt-get install chromium), or set CHROMIUM_PATH`);
}
