import type { DataSource, EntityManager } from 'typeorm';
import type { Dialect } from './create-data-source.js';
import { driverCode, isLostRace, isUnreachable, LOST_RACE_CODES } from './driver-errors.js';

export interface TransactionPolicy {
  /** Names the database in the errors (`TokenDB is busy; retry`). */
  readonly database: string;
  /** Driver codes that mean a transaction lost a race and may run again; LOST_RACE_CODES by default. */
  readonly lostRaceCodes?: readonly string[];
  /** How many times a transaction runs at most on MariaDB; 3 by default. */
  readonly attempts?: number;
  /** The error thrown when a transaction kept losing or the database cannot be reached: one the
   * caller answers as "retry later" (`detail` is the driver's code, for logs). */
  readonly unavailable: (message: string, detail: string, cause: unknown) => Error;
}

/**
 * How an app's storage runs its work: in one transaction that commits when the work resolves and
 * rolls back when it throws. On MariaDB a transaction that lost a race (deadlock, lock wait
 * timeout) runs again from the start. SQLite (sql.js) has one connection and no row locks, so
 * there everything runs one after the other in this process, which serializes it instead.
 */
export class TransactionRunner {
  #queue: Promise<unknown> = Promise.resolve();
  readonly #lostRaceCodes: readonly string[];

  constructor(
    private readonly dataSource: DataSource,
    readonly dialect: Dialect,
    private readonly policy: TransactionPolicy,
  ) {
    this.#lostRaceCodes = policy.lostRaceCodes ?? LOST_RACE_CODES;
  }

  /** Row locks (`SELECT … FOR UPDATE`) exist: false on SQLite, where the queue stands in for them. */
  get canLock(): boolean {
    return this.dialect === 'mariadb';
  }

  async transaction<T>(work: (manager: EntityManager) => Promise<T>, options: { retry?: boolean } = {}): Promise<T> {
    const once = () => this.#guarded(() => this.dataSource.transaction(work));
    if (this.dialect === 'sqlite') return this.#serialized(once);
    const attempts = options.retry === false ? 1 : (this.policy.attempts ?? 3);
    for (let attempt = 1; ; attempt++) {
      try {
        return await once();
      } catch (error) {
        if (!isLostRace(error, this.#lostRaceCodes)) throw error;
        if (attempt >= attempts) throw this.policy.unavailable(`${this.policy.database} is busy; retry`, driverCode(error) ?? 'lost race', error);
      }
    }
  }

  /** Runs work outside a transaction: each statement commits on its own (for single-statement
   * compare-and-sets); on SQLite after the work queued before it. */
  async alone<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    const once = () => this.#guarded(() => work(this.dataSource.manager));
    return this.dialect === 'sqlite' ? this.#serialized(once) : once();
  }

  async close(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }

  #serialized<T>(run: () => Promise<T>): Promise<T> {
    const next = this.#queue.then(run);
    this.#queue = next.catch(() => undefined);
    return next;
  }

  async #guarded<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      if (isUnreachable(error)) throw this.policy.unavailable(`${this.policy.database} is unavailable; retry later`, driverCode(error) ?? 'connection lost', error);
      throw error;
    }
  }
}
