import { QueryFailedError } from 'typeorm';

/** MariaDB answers that a transaction lost a race and may simply be run again. */
export const LOST_RACE_CODES: readonly string[] = ['ER_LOCK_DEADLOCK', 'ER_LOCK_WAIT_TIMEOUT'];

/** The database cannot be reached: the caller should retry later. */
const UNREACHABLE = new Set(['ECONNREFUSED', 'ETIMEDOUT', 'ENOTFOUND', 'EHOSTUNREACH', 'PROTOCOL_CONNECTION_LOST', 'ER_CON_COUNT_ERROR', 'ECONNRESET']);

/** The driver's error code (mysql2's `code`), on a failed query or on a connection error. */
export function driverCode(error: unknown): string | undefined {
  const inner = error instanceof QueryFailedError ? (error.driverError as { code?: unknown }) : (error as { code?: unknown } | undefined);
  return typeof inner?.code === 'string' ? inner.code : undefined;
}

/** A query that failed because the transaction lost a race (`codes`: LOST_RACE_CODES by default). */
export function isLostRace(error: unknown, codes: readonly string[] = LOST_RACE_CODES): boolean {
  return error instanceof QueryFailedError && codes.includes(driverCode(error) ?? '');
}

/** A unique key or primary key was already taken (MariaDB's ER_DUP_ENTRY; SQLite says it in words). */
export function isDuplicateKey(error: unknown): boolean {
  if (!(error instanceof QueryFailedError)) return false;
  return driverCode(error) === 'ER_DUP_ENTRY' || /UNIQUE constraint failed/.test(error.message);
}

/** The connection failed or was lost, as opposed to a query the database refused. */
export function isUnreachable(error: unknown): boolean {
  // mysql2 marks an error that ended the connection `fatal`, with or without a code.
  const fatal = (error instanceof QueryFailedError ? (error.driverError as { fatal?: unknown }) : (error as { fatal?: unknown } | undefined))?.fatal === true;
  const closed = error instanceof Error && /connection is in closed state|Connection lost/i.test(error.message);
  return UNREACHABLE.has(driverCode(error) ?? '') || fatal || closed;
}
