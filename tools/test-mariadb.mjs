// MariaDB for the tests. `TESSERA_TEST_MARIADB_URL` (e.g. mysql://root@127.0.0.1:3306, which
// .ci/run sets to the machine's server) is used as it is. Without it, a throwaway mariadbd is
// started in a temporary directory on a free loopback port, installing Debian's mariadb-server
// first when it is missing and this process may (root with apt-get); otherwise the run stops with
// a message naming the package. Each test then creates a database of its own on that server.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const MARIADBD = ['/usr/sbin/mariadbd', '/usr/sbin/mysqld'];
const INSTALL_DB = ['/usr/bin/mariadb-install-db', '/usr/bin/mysql_install_db'];
const found = (paths) => paths.find((p) => existsSync(p));

function install() {
  if (process.getuid?.() !== 0 || !existsSync('/usr/bin/apt-get')) return false;
  console.error('test-mariadb: installing mariadb-server from Debian packages');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  return spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'mariadb-server'], { stdio: 'inherit', env }).status === 0;
}

const freePort = () =>
  new Promise((resolve, reject) => {
    const server = createServer().once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });

const reachable = (port) =>
  new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port }, () => {
      socket.destroy();
      resolve(true);
    }).once('error', () => resolve(false));
  });

/** Returns the URL to use and a function that stops what was started. */
export async function provideMariadb() {
  if (process.env.TESSERA_TEST_MARIADB_URL) return { url: process.env.TESSERA_TEST_MARIADB_URL, stop: async () => {} };
  if (!found(MARIADBD) && !install()) {
    throw new Error('test-mariadb: the tests need MariaDB: install the Debian package mariadb-server, or set TESSERA_TEST_MARIADB_URL');
  }
  const dir = mkdtempSync(join(tmpdir(), 'tessera-mariadb-'));
  const datadir = join(dir, 'data');
  const user = process.getuid?.() === 0 ? ['--user=root'] : [];
  // --no-defaults: the machine's my.cnf (its user, datadir and port) is not this server's.
  const init = spawnSync(found(INSTALL_DB), ['--no-defaults', `--datadir=${datadir}`, '--auth-root-authentication-method=normal', '--skip-test-db', ...user], { encoding: 'utf8' });
  if (init.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`test-mariadb: mariadb-install-db failed: ${init.stderr}`);
  }
  const port = await freePort();
  const server = spawn(
    found(MARIADBD),
    ['--no-defaults', `--datadir=${datadir}`, `--socket=${join(dir, 'mysqld.sock')}`, `--port=${port}`, '--bind-address=127.0.0.1', '--skip-grant-tables', '--skip-log-bin', `--pid-file=${join(dir, 'mysqld.pid')}`, '--innodb-buffer-pool-size=64M', ...user],
    { stdio: 'ignore' },
  );
  for (let i = 0; i < 100 && !(await reachable(port)); i++) await sleep(100);
  if (!(await reachable(port))) {
    server.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    throw new Error('test-mariadb: the throwaway mariadbd did not start');
  }
  return {
    url: `mysql://root@127.0.0.1:${port}`,
    async stop() {
      server.kill('SIGTERM');
      // A server that already died (killed by a signal: exitCode stays null) is not waited for.
      await new Promise((resolve) => (server.exitCode === null && server.signalCode === null ? server.once('exit', resolve) : resolve()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
