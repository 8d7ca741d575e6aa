import { TransactionRunner, type Dialect } from '@tessera/database';
import { UnavailableError } from '@tessera/rpc';
import type { DataSource } from 'typeorm';
import type { AuthDb, AuthStores } from '../stores.js';
import { typeormAuthStores } from './typeorm-auth-stores.js';

/**
 * AuthDB on TypeORM. `transaction` runs the work in one transaction, again from the start when it
 * lost a race on MariaDB (@tessera/database). `stores` runs each call on its own, outside any
 * transaction; on SQLite after the transactions already queued, so inside a transaction use the
 * transaction's stores (a call to `stores` there would wait for the transaction to end).
 */
export class TypeormAuthDb implements AuthDb {
  readonly stores: AuthStores;
  readonly #runner: TransactionRunner;

  constructor(
    dataSource: DataSource,
    private readonly dialect: Dialect,
  ) {
    this.#runner = new TransactionRunner(dataSource, dialect, { database: 'AuthDB', unavailable: (message, detail, cause) => new UnavailableError(message, detail, { cause }) });
    const standalone = typeormAuthStores(dataSource.manager, dialect);
    this.stores = { deviceFlows: this.#callByCall(standalone.deviceFlows), authorizationFlows: this.#callByCall(standalone.authorizationFlows), sessions: this.#callByCall(standalone.sessions) };
  }

  transaction<T>(work: (stores: AuthStores) => Promise<T>): Promise<T> {
    return this.#runner.transaction((manager) => work(typeormAuthStores(manager, this.dialect)));
  }

  close(): Promise<void> {
    return this.#runner.close();
  }

  /** The store with each of its methods run through the runner on its own. */
  #callByCall<S extends object>(store: S): S {
    const runner = this.#runner;
    return new Proxy(store, {
      get(target, name) {
        const member: unknown = Reflect.get(target, name);
        if (typeof member !== 'function') return member;
        return (...args: unknown[]) => runner.alone(() => Promise.resolve(Reflect.apply(member, target, args)));
      },
    });
  }
}
