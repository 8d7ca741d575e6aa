import { z } from 'zod';
import { resolveConfigPath } from './config-path.js';
import { secret } from './secret-schema.js';

/** TokenDB's location: embedded SQLite (dev, single replica) or MariaDB/MySQL (production). */
export const databaseSchema = z.discriminatedUnion(
  'type',
  [
    z.strictObject({
      type: z.literal('sqlite'),
      // `:memory:` is SQLite's in-memory database, not a file to resolve.
      path: z
        .string()
        .min(1)
        .transform((p) => (p === ':memory:' ? p : resolveConfigPath(p))),
    }),
    // The URL carries the database password, hence a Secret.
    z.strictObject({ type: z.literal('mariadb'), url: secret }),
  ],
  { error: 'expected type "sqlite" (with path) or "mariadb" (with url)' },
);

export type DatabaseConfig = z.output<typeof databaseSchema>;
