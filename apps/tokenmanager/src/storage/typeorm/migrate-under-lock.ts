import type { DataSource } from 'typeorm';
import type { Dialect } from './data-source.js';

const LOCK = 'tessera_tokendb_migrate';
const WAIT_S = 300;

/**
 * Runs the pending migrations. On MariaDB/MySQL, DDL commits on its own and two migration Jobs (a
 * retried Job, two releases) could interleave, so the run holds a named lock (GET_LOCK) on one
 * connection: a second run waits, then finds nothing left to do. SQLite has one process.
 */
export async function migrateUnderLock(dataSource: DataSource, dialect: Dialect): Promise<string[]> {
  if (dialect === 'sqlite') return (await dataSource.runMigrations({ transaction: 'each' })).map((m) => m.name);
  const runner = dataSource.createQueryRunner();
  try {
    const [row] = (await runner.query('SELECT GET_LOCK(?, ?) AS held', [LOCK, WAIT_S])) as { held: number | string | null }[];
    if (Number(row?.held) !== 1) throw new Error(`another migration has held the TokenDB migration lock for ${WAIT_S} s`);
    try {
      return (await dataSource.runMigrations({ transaction: 'each' })).map((m) => m.name);
    } finally {
      await runner.query('SELECT RELEASE_LOCK(?)', [LOCK]);
    }
  } finally {
    await runner.release();
  }
}
