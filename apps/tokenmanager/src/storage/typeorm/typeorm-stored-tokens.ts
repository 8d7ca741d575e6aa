import { Brackets, In, type EntityManager } from 'typeorm';
import { UndecryptableError, type TokenCipher } from '../../crypto/token-cipher.js';
import type { After, NewStoredToken, StoredToken, StoredTokenChange, StoredTokenWithSecrets } from '../model.js';
import type { StoredTokens } from '../stores.js';
import { IdpTokenEntity, type IdpTokenRow } from './entities.js';
import { timeOrderedId } from './ids.js';
import { sealedUnderOtherKeys } from './sealed-under-other-keys.js';

/** Where a sealed value lives: its associated data (token-cipher.ts). */
const tokenAad = (row: Pick<IdpTokenRow, 'tokenId' | 'userId' | 'provider'>, column: 'access_token' | 'refresh_token') =>
  `idp_tokens|${row.tokenId}|${row.userId}|${row.provider}|${column}`;

function toStoredToken(row: IdpTokenRow): StoredToken {
  return {
    tokenId: row.tokenId,
    userId: row.userId,
    provider: row.provider,
    subject: row.subject,
    scopes: row.scopes,
    tokenType: row.tokenType,
    clientId: row.clientId,
    issuedAt: row.issuedAt,
    expiresAt: row.expiresAt,
    refreshExpiresAt: row.rtExpiresAt,
    revokedAt: row.refreshTokenRevokedAt,
    encryptionKeyId: row.encryptionKeyId,
    signingKeyId: row.kid,
    version: row.version,
    lastUsedAt: row.lastUsedAt,
    updatedAt: row.updatedAt,
  };
}

export class TypeormStoredTokens implements StoredTokens {
  constructor(
    private readonly manager: EntityManager,
    private readonly cipher: TokenCipher,
    private readonly canLock: boolean,
  ) {}

  /** The row with its secrets opened; a row that does not open (its key left the keyring, or it
   * was altered) comes back `undecryptable` with empty secrets, so that it can still be replaced,
   * deleted and reported instead of failing every call that touches it. */
  #withSecrets(row: IdpTokenRow): StoredTokenWithSecrets {
    const open = (value: string, column: 'access_token' | 'refresh_token') => (value === '' ? '' : this.cipher.open({ keyId: row.encryptionKeyId, value }, tokenAad(row, column)));
    try {
      return { ...toStoredToken(row), secrets: { accessToken: open(row.accessToken, 'access_token'), refreshToken: open(row.refreshToken, 'refresh_token') } };
    } catch (error) {
      if (!(error instanceof UndecryptableError)) throw error;
      return { ...toStoredToken(row), secrets: { accessToken: '', refreshToken: '' }, undecryptable: true };
    }
  }

  async current(userId: string, provider: string, options: { forUpdate?: boolean } = {}) {
    const query = this.manager.getRepository(IdpTokenEntity).createQueryBuilder('t').where('t.userId = :userId AND t.provider = :provider', { userId, provider });
    // SQLite has no row locks: its transactions are serialized in the process (typeorm-token-db.ts).
    if (options.forUpdate && this.canLock) query.setLock('pessimistic_write');
    const row = await query.getOne();
    return row ? this.#withSecrets(row) : undefined;
  }

  async ofUser(userId: string) {
    const rows = await this.manager.getRepository(IdpTokenEntity).find({ where: { userId }, order: { provider: 'ASC' } });
    return rows.map(toStoredToken);
  }

  async page(userIds: readonly string[], { after, limit }: After<{ userId: string; provider: string }>) {
    const query = this.manager.getRepository(IdpTokenEntity).createQueryBuilder('t').orderBy('t.userId', 'ASC').addOrderBy('t.provider', 'ASC').take(limit);
    if (userIds.length > 0) query.andWhere('t.userId IN (:...userIds)', { userIds });
    if (after) {
      query.andWhere(new Brackets((q) => q.where('t.userId > :u', { u: after.userId }).orWhere('t.userId = :u AND t.provider > :p', { u: after.userId, p: after.provider })));
    }
    return (await query.getMany()).map(toStoredToken);
  }

  async put(token: NewStoredToken) {
    const repository = this.manager.getRepository(IdpTokenEntity);
    const existing = await repository.findOne({ where: { userId: token.userId, provider: token.provider } });
    const now = new Date();
    const tokenId = timeOrderedId('tok');
    const seal = (value: string, column: 'access_token' | 'refresh_token') => (value === '' ? '' : this.cipher.seal(value, tokenAad({ tokenId, ...token }, column)).value);
    const row: IdpTokenRow = {
      ...(existing?.id === undefined ? {} : { id: existing.id }),
      tokenId,
      userId: token.userId,
      provider: token.provider,
      subject: token.subject,
      accessToken: seal(token.secrets.accessToken, 'access_token'),
      refreshToken: seal(token.secrets.refreshToken, 'refresh_token'),
      encryptionKeyId: this.cipher.activeKeyId,
      scopes: [...new Set(token.scopes)].sort(),
      tokenType: token.tokenType,
      clientId: token.clientId,
      kid: token.signingKeyId,
      issuedAt: token.issuedAt,
      expiresAt: token.expiresAt,
      rtExpiresAt: token.refreshExpiresAt,
      accessTokenRevokedAt: undefined,
      refreshTokenRevokedAt: undefined,
      lastUsedAt: undefined,
      version: (existing?.version ?? 0) + 1,
      createdAt: existing?.createdAt ?? now,
      updatedAt: now,
    };
    return toStoredToken(await repository.save(row));
  }

  async countByProvider() {
    const rows = await this.manager.getRepository(IdpTokenEntity).createQueryBuilder('t').select('t.provider', 'provider').addSelect('COUNT(*)', 'count').groupBy('t.provider').getRawMany<{ provider: string; count: string | number }>();
    return new Map(rows.map((r) => [r.provider, Number(r.count)]));
  }

  async change(current: StoredTokenWithSecrets, change: StoredTokenChange) {
    const update: Partial<IdpTokenRow> = { version: current.version + 1, updatedAt: new Date() };
    if (change.refreshToken !== undefined) {
      // Sealed under the active key, and the row's other value with it, so one key id describes the row.
      const seal = (value: string, column: 'access_token' | 'refresh_token') => (value === '' ? '' : this.cipher.seal(value, tokenAad(current, column)).value);
      Object.assign(update, { refreshToken: seal(change.refreshToken, 'refresh_token'), accessToken: seal(current.secrets.accessToken, 'access_token'), encryptionKeyId: this.cipher.activeKeyId });
    }
    if (change.refreshExpiresAt) update.rtExpiresAt = change.refreshExpiresAt;
    if (change.revokedAt) update.refreshTokenRevokedAt = change.revokedAt;
    if (change.lastUsedAt) update.lastUsedAt = change.lastUsedAt;
    await this.manager.getRepository(IdpTokenEntity).update({ tokenId: current.tokenId }, update);
  }

  async reencrypt(limit: number) {
    const repository = this.manager.getRepository(IdpTokenEntity);
    const rows = await sealedUnderOtherKeys(repository, this.cipher, this.canLock, limit);
    let resealed = 0;
    for (const row of rows) {
      const opened = this.#withSecrets(row);
      if (opened.undecryptable) continue;
      const { secrets } = opened;
      resealed++;
      const seal = (value: string, column: 'access_token' | 'refresh_token') => (value === '' ? '' : this.cipher.seal(value, tokenAad(row, column)).value);
      // The version is not bumped: the token is the same, only its envelope changed.
      await repository.update({ id: row.id! }, { accessToken: seal(secrets.accessToken, 'access_token'), refreshToken: seal(secrets.refreshToken, 'refresh_token'), encryptionKeyId: this.cipher.activeKeyId });
    }
    return resealed;
  }

  async sealedWithOtherKeys() {
    return this.manager.getRepository(IdpTokenEntity).createQueryBuilder('t').where('t.encryptionKeyId <> :active', { active: this.cipher.activeKeyId }).getCount();
  }

  async remove(userId: string, provider?: string) {
    const repository = this.manager.getRepository(IdpTokenEntity);
    // Under the rows' locks: a refresh that rotated the token commits first, and the secrets read
    // here (to revoke upstream) are the live ones.
    const query = repository.createQueryBuilder('t').where('t.userId = :userId', { userId }).orderBy('t.provider', 'ASC');
    if (provider) query.andWhere('t.provider = :provider', { provider });
    if (this.canLock) query.setLock('pessimistic_write');
    const rows = await query.getMany();
    if (rows.length > 0) await repository.delete({ id: In(rows.map((r) => r.id!)) });
    return rows.map((row) => this.#withSecrets(row));
  }
}
