import { TokenDbMariadb1764622800000 } from './mariadb/1764622800000-token-db.js';
import { AccessTokenCacheMariadb1764626400000 } from './mariadb/1764626400000-access-token-cache.js';
import { TokenDbSqlite1764622800000 } from './sqlite/1764622800000-token-db.js';
import { AccessTokenCacheSqlite1764626400000 } from './sqlite/1764626400000-access-token-cache.js';

// Listed explicitly, oldest first: globs break under test runners and match `.d.ts` files.
export const MARIADB_MIGRATIONS = [TokenDbMariadb1764622800000, AccessTokenCacheMariadb1764626400000];
export const SQLITE_MIGRATIONS = [TokenDbSqlite1764622800000, AccessTokenCacheSqlite1764626400000];
