import { UnavailableError } from '@tessera/rpc';
import { QueryFailedError, type DataSource } from 'typeorm';
import type { TokenCipher } from '../../crypto/token-cipher.js';
import type { TokenDb, TokenStores } from '../stores.js';
import type { Dialect } from './data-source.js';
import { typeormStores } from './typeorm-stores.js';

/** MariaDB answers that a transaction lost a race and may simply be run again. */
const RETRYABLE = new Set(['ER_LOCK_DEADLOCK', 'ER_LOCK_WAIT_TIMEOUT', 'ER_DUP_ENTRY']);
const ATTEMPTS = 3;
/** The database cannot be reached: the caller should retry later. */
const UNREACHABLE = new Set(['ECONNREFUSED', 'ETIMEDOUT', 'ENOTFOUND', 'EHOSTUNREACH', 'PROTOCOL_CONNECTION_LOST', 'ER_CON_COUNT_ERROR', 'ECONNRESET']);

export class TypeormTokenDb implements TokenDb {
  /** SQLite (sql.js) has one connection: transactions run one after the other in this process. */
  #queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly dataSource: DataSource,
    private readonly dialect: Dialect,
    private readonly cipher: TokenCipher,
  ) {}

  async transaction<T>(work: (stores: TokenStores) => Promise<T>, options: { retry?: boolean } = {}): Promise<T> {
    if (this.dialect === 'sqlite') {
      const run = this.#queue.then(() => this.#once(work));
      this.#queue = run.catch(() => undefined);
      return run;
    }
    const attempts = options.retry === false ? 1 : ATTEMPTS;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.#once(work);
      } catch (error) {
        const lostRace = error instanceof QueryFailedError && RETRYABLE.has(driverCode(error) ?? '');
        if (!lostRace) throw error;
        if (attempt >= attempts) throw new UnavailableError('TokenDB is busy; retry', driverCode(error), { cause: error });
      }
    }
  }

  async #once<T>(work: (stores: TokenStores) => Promise<T>): Promise<T> {
    try {
      return await this.dataSource.transaction((manager) => work(typeormStores(manager, this.cipher, this.dialect === 'mariadb')));
    } catch (error) {
      // mysql2 marks an error that ended the connection `fatal`, with or without a code.
      const fatal = (error instanceof QueryFailedError ? (error.driverError as { fatal?: unknown }) : (error as { fatal?: unknown } | undefined))?.fatal === true;
      const closed = error instanceof Error && /connection is in closed state|Connection lost/i.test(error.message);
      if (UNREACHABLE.has(driverCode(error) ?? '') || fatal || closed) throw new UnavailableError('TokenDB is unavailable; retry later', driverCode(error) ?? 'connection lost', { cause: error });
      throw error;
    }
  }

  async close(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}

function driverCode(error: unknown): string | undefined {
  const inner = error instanceof QueryFailedError ? (error.driverError as { code?: unknown }) : (error as { code?: unknown } | undefined);
  return typeof inner?.code === 'string' ? inner.code : undefined;
}
