import type { EntityManager } from 'typeorm';
import type { TokenCipher } from '../../crypto/token-cipher.js';
import type { CachedAccessToken } from '../model.js';
import type { AccessTokenCache } from '../stores.js';
import { CachedAccessTokenEntity } from './entities.js';

const cacheAad = (entry: Pick<CachedAccessToken, 'userId' | 'provider' | 'cacheKey'>) => `access_token_cache|${entry.userId}|${entry.provider}|${entry.cacheKey}|access_token`;

export class TypeormAccessTokenCache implements AccessTokenCache {
  constructor(
    private readonly manager: EntityManager,
    private readonly cipher: TokenCipher,
  ) {}

  async get(userId: string, provider: string, cacheKey: string): Promise<CachedAccessToken | undefined> {
    const row = await this.manager.getRepository(CachedAccessTokenEntity).findOne({ where: { userId, provider, cacheKey } });
    if (!row) return undefined;
    let accessToken: string;
    try {
      accessToken = this.cipher.open({ keyId: row.encryptionKeyId, value: row.accessToken }, cacheAad(row));
    } catch {
      return undefined; // a cache entry that does not open is no entry: the token is obtained again
    }
    return { userId, provider, cacheKey, accessToken, tokenType: row.tokenType, scopes: row.scopes, audience: row.audience, expiresAt: row.expiresAt };
  }

  async put(entry: CachedAccessToken): Promise<void> {
    const sealed = this.cipher.seal(entry.accessToken, cacheAad(entry));
    // One statement: INSERT … ON DUPLICATE KEY UPDATE on MariaDB, ON CONFLICT … DO UPDATE on SQLite.
    await this.manager.getRepository(CachedAccessTokenEntity).upsert(
      {
        userId: entry.userId,
        provider: entry.provider,
        cacheKey: entry.cacheKey,
        accessToken: sealed.value,
        encryptionKeyId: sealed.keyId,
        tokenType: entry.tokenType,
        scopes: [...entry.scopes],
        audience: entry.audience,
        expiresAt: entry.expiresAt,
        createdAt: new Date(),
      },
      { conflictPaths: ['userId', 'provider', 'cacheKey'], skipUpdateIfNoValuesChanged: false },
    );
  }

  async forget(userId: string, provider?: string): Promise<void> {
    await this.manager.getRepository(CachedAccessTokenEntity).delete(provider ? { userId, provider } : { userId });
  }
}
