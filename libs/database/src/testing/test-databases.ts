import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Secret, type DatabaseConfig } from '@tessera/config';
import { createConnection } from 'mysql2/promise';

/** A database of its own for one test: on the MariaDB the test runner provides
 * (TESSERA_TEST_MARIADB_URL, see tools/test-mariadb.mjs), or an SQLite file (or `:memory:`). */
export interface TestDatabase {
  readonly config: DatabaseConfig;
  readonly name: string;
  drop(): Promise<void>;
}

export const DIALECTS = ['sqlite', 'mariadb'] as const;
export type TestDialect = (typeof DIALECTS)[number];

export interface TestDatabaseOptions {
  /** Names the SQLite file (`<name>.sqlite`) and its temporary directory; `db` by default. */
  readonly name?: string;
  /** SQLite in memory instead of in a file. */
  readonly inMemory?: boolean;
}

export async function createTestDatabase(dialect: TestDialect, options: TestDatabaseOptions = {}): Promise<TestDatabase> {
  if (dialect === 'sqlite') {
    if (options.inMemory) return { name: ':memory:', config: { type: 'sqlite', path: ':memory:' }, drop: async () => {} };
    const name = options.name ?? 'db';
    const dir = mkdtempSync(join(tmpdir(), `tessera-${name}-`));
    const path = join(dir, `${name}.sqlite`);
    return { name: path, config: { type: 'sqlite', path }, drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const server = process.env.TESSERA_TEST_MARIADB_URL;
  if (!server) throw new Error('TESSERA_TEST_MARIADB_URL is not set: run the tests with `npm test`, which provides MariaDB');
  const name = `tessera_test_${randomBytes(6).toString('hex')}`;
  const admin = await createConnection(server);
  await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`);
  await admin.end();
  const url = new URL(server);
  url.pathname = `/${name}`;
  return {
    name,
    config: { type: 'mariadb', url: new Secret(url.href) },
    async drop() {
      const connection = await createConnection(server);
      await connection.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await connection.end();
    },
  };
}
