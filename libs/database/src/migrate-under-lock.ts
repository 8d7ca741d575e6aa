import type { DataSource } from 'typeorm';
import type { Dialect } from './create-data-source.js';

const WAIT_S = 300;

/**
 * Runs the pending migrations. On MariaDB/MySQL, DDL commits on its own and two migration Jobs (a
 * retried Job, two releases) could interleave, so the run holds a named lock (GET_LOCK) on one
 * connection: a second run waits, then finds nothing left to do. SQLite has one process.
 * `database` names the database in the error (e.g. `TokenDB`); `lock` is the lock's name.
 */
export async function migrateUnderLock(dataSource: DataSource, dialect: Dialect, names: { lock: string; database: string }): Promise<string[]> {
  if (dialect === 'sqlite') return (await dataSource.runMigrations({ transaction: 'each' })).map((m) => m.name);
  const runner = dataSource.createQueryRunner();
  try {
    const [row] = (await runner.query('SELECT GET_LOCK(?, ?) AS held', [names.lock, WAIT_S])) as { held: number | string | null }[];
    if (Number(row?.held) !== 1) throw new Error(`another migration has held the ${names.database} migration lock for ${WAIT_S} s`);
    try {
      return (await dataSource.runMigrations({ transaction: 'each' })).map((m) => m.name);
    } finally {
      await runner.query('SELECT RELEASE_LOCK(?)', [names.lock]);
    }
  } finally {
    await runner.release();
  }
}
