import { AuthDbMariadb1796166000000 } from './mariadb/1796166000000-auth-db.js';
import { AuthDbSqlite1796166000000 } from './sqlite/1796166000000-auth-db.js';

// Listed explicitly, oldest first: globs break under test runners and match `.d.ts` files.
export const MARIADB_MIGRATIONS = [AuthDbMariadb1796166000000];
export const SQLITE_MIGRATIONS = [AuthDbSqlite1796166000000];
