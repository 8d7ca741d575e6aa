import type { ValueTransformer } from 'typeorm';

/**
 * Times are stored as milliseconds since the epoch in BIGINT columns: the same on MariaDB and
 * SQLite, with no time zone to get wrong. mysql2 returns BIGINT as a string, hence the transformer.
 */
export const epochMillis: ValueTransformer = {
  to: (value: Date | undefined | null) => (value instanceof Date ? value.getTime() : value ?? null),
  from: (value: string | number | null) => (value === null || value === undefined ? undefined : new Date(Number(value))),
};

/** Space-separated, sorted, unique: how a scope set is stored and compared. */
export const scopeList: ValueTransformer = {
  to: (value: readonly string[] | undefined) => [...new Set(value ?? [])].sort().join(' '),
  from: (value: string | null) => (value ? value.split(' ').filter((s) => s !== '') : []),
};
