import type { ValueTransformer } from 'typeorm';

/** Times to the millisecond: DATETIME(3) in UTC on MariaDB (the data source sets `timezone: 'Z'`),
 * TypeORM's UTC text on SQLite, which sorts as the time does. */
export const time = (name: string, nullable = false) => ({ type: 'datetime' as const, precision: 3, name, nullable });

/** A list kept in its order (scopes, candidate groups), as JSON text. */
export const jsonList: ValueTransformer = {
  to: (value: readonly string[] | undefined | null) => (value === undefined || value === null ? null : JSON.stringify(value)),
  from: (value: string | null) => (value === null || value === undefined ? undefined : (JSON.parse(value) as string[])),
};

/** Opaque bytes: mysql2 and sql.js return a Buffer, the domain speaks Uint8Array. */
export const bytes: ValueTransformer = {
  to: (value: Uint8Array | undefined | null) => (value ? Buffer.from(value.buffer, value.byteOffset, value.byteLength) : null),
  from: (value: Uint8Array | null) => (value ? new Uint8Array(value) : undefined),
};
