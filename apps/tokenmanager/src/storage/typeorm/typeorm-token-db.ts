import { TransactionRunner, type Dialect } from '@tessera/database';
import { UnavailableError } from '@tessera/rpc';
import type { DataSource } from 'typeorm';
import type { TokenCipher } from '../../crypto/token-cipher.js';
import type { TokenDb, TokenStores } from '../stores.js';
import { typeormStores } from './typeorm-stores.js';

export class TypeormTokenDb implements TokenDb {
  readonly #runner: TransactionRunner;

  constructor(
    dataSource: DataSource,
    dialect: Dialect,
    private readonly cipher: TokenCipher,
  ) {
    this.#runner = new TransactionRunner(dataSource, dialect, {
      database: 'TokenDB',
      // A duplicate insert lost a race too (two first `put`s of one user and provider, two
      // fills of one cache entry): run again, the loser finds the winner's row.
      lostRaceCodes: ['ER_LOCK_DEADLOCK', 'ER_LOCK_WAIT_TIMEOUT', 'ER_DUP_ENTRY'],
      unavailable: (message, detail, cause) => new UnavailableError(message, detail, { cause }),
    });
  }

  transaction<T>(work: (stores: TokenStores) => Promise<T>, options: { retry?: boolean } = {}): Promise<T> {
    return this.#runner.transaction((manager) => work(typeormStores(manager, this.cipher, this.#runner.canLock)), options);
  }

  close(): Promise<void> {
    return this.#runner.close();
  }
}
