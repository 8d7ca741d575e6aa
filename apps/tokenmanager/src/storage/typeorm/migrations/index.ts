import { TokenDbMariadb1764622800000 } from './mariadb/1764622800000-token-db.js';
import { TokenDbSqlite1764622800000 } from './sqlite/1764622800000-token-db.js';

// Listed explicitly, oldest first: globs break under test runners and match `.d.ts` files.
export const MARIADB_MIGRATIONS = [TokenDbMariadb1764622800000];
export const SQLITE_MIGRATIONS = [TokenDbSqlite1764622800000];
