// The transaction loop without a database: which failures run the work again, which become
// "unavailable", and SQLite's one-at-a-time queue.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { setImmediate as tick } from 'node:timers/promises';
import { QueryFailedError, type DataSource, type EntityManager } from 'typeorm';
import type { Dialect } from './create-data-source.js';
import { isDuplicateKey, isLostRace, isUnreachable } from './driver-errors.js';
import { TransactionRunner } from './transaction-runner.js';

class Unavailable extends Error {
  constructor(
    message: string,
    readonly detail: string,
  ) {
    super(message);
  }
}

const failed = (code: string | undefined, message = 'failed') => new QueryFailedError('UPDATE …', [], Object.assign(new Error(message), code ? { code } : {}));
const manager = {} as EntityManager;
const fakeDataSource = () => ({ transaction: (work: (m: EntityManager) => Promise<unknown>) => work(manager), manager, isInitialized: false }) as unknown as DataSource;
const runner = (dialect: Dialect, extra: { lostRaceCodes?: string[] } = {}) =>
  new TransactionRunner(fakeDataSource(), dialect, { database: 'TestDB', ...extra, unavailable: (message, detail) => new Unavailable(message, detail) });

describe('TransactionRunner on MariaDB', () => {
  test('runs a transaction that lost a race again, up to three times, then says busy', async () => {
    let runs = 0;
    const ok = await runner('mariadb').transaction(async () => (++runs < 3 ? Promise.reject(failed('ER_LOCK_DEADLOCK')) : 'done'));
    assert.deepEqual([ok, runs], ['done', 3]);
    runs = 0;
    await assert.rejects(
      runner('mariadb').transaction(async () => {
        runs++;
        throw failed('ER_LOCK_WAIT_TIMEOUT');
      }),
      (error: unknown) => error instanceof Unavailable && error.message === 'TestDB is busy; retry' && error.detail === 'ER_LOCK_WAIT_TIMEOUT',
    );
    assert.equal(runs, 3);
  });

  test('runs once with retry off, and never again for other failures', async () => {
    let runs = 0;
    await assert.rejects(runner('mariadb').transaction(async () => Promise.reject(failed('ER_LOCK_DEADLOCK', `run ${++runs}`)), { retry: false }), Unavailable);
    assert.equal(runs, 1);
    const duplicate = failed('ER_DUP_ENTRY');
    await assert.rejects(runner('mariadb').transaction(async () => Promise.reject(duplicate)), (error) => error === duplicate);
    let again = 0;
    await runner('mariadb', { lostRaceCodes: ['ER_DUP_ENTRY'] }).transaction(async () => (again++ === 0 ? Promise.reject(duplicate) : undefined));
    assert.equal(again, 2, 'a code the app counts as a lost race');
  });

  test('a lost connection is "unavailable", whether it came with a code or only marked fatal', async () => {
    for (const error of [Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), new QueryFailedError('SELECT 1', [], Object.assign(new Error('gone'), { fatal: true }))]) {
      await assert.rejects(runner('mariadb').transaction(async () => Promise.reject(error)), (e: unknown) => e instanceof Unavailable && e.message === 'TestDB is unavailable; retry later');
      await assert.rejects(runner('mariadb').alone(async () => Promise.reject(error)), Unavailable);
    }
  });
});

describe('TransactionRunner on SQLite', () => {
  test('runs transactions and lone calls one at a time, in order, past failures, without retries', async () => {
    const sqlite = runner('sqlite');
    const events: string[] = [];
    const work = (name: string, fail = false) => async () => {
      events.push(`${name} starts`);
      await tick();
      events.push(`${name} ends`);
      if (fail) throw failed('ER_LOCK_DEADLOCK');
      return name;
    };
    const results = await Promise.allSettled([sqlite.transaction(work('a')), sqlite.transaction(work('b', true)), sqlite.alone(work('c'))]);
    assert.deepEqual(events, ['a starts', 'a ends', 'b starts', 'b ends', 'c starts', 'c ends']);
    assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'rejected', 'fulfilled']);
    assert.equal(sqlite.canLock, false);
  });
});

test('driver errors are told apart', () => {
  assert.equal(isDuplicateKey(failed('ER_DUP_ENTRY')), true);
  assert.equal(isDuplicateKey(failed(undefined, 'UNIQUE constraint failed: device_flows.user_code')), true);
  assert.equal(isDuplicateKey(failed('ER_LOCK_DEADLOCK')), false);
  assert.equal(isLostRace(failed('ER_LOCK_DEADLOCK')), true);
  assert.equal(isLostRace(Object.assign(new Error('x'), { code: 'ER_LOCK_DEADLOCK' })), false, 'only a failed query');
  assert.equal(isUnreachable(failed('ER_DUP_ENTRY')), false);
  assert.equal(isUnreachable(new Error('Can\'t add new command when connection is in closed state')), true);
});
