import { Brackets, In, type EntityManager } from 'typeorm';
import { UndecryptableError, type TokenCipher } from '../../crypto/token-cipher.js';
import type {
  After,
  CachedAccessToken,
  StoredTokenChange,
  HistoryAction,
  HistoryEvent,
  HistoryFilter,
  NewHistoryEvent,
  NewRevocation,
  NewStoredToken,
  PendingRevocation,
  StoredToken,
  StoredTokenWithSecrets,
} from '../model.js';
import type { AccessTokenCache, RevocationOutbox, StoredTokens, TokenHistory, TokenStores } from '../stores.js';
import { CachedAccessTokenEntity, IdpTokenEntity, RevocationEntity, TokenHistoryEntity, type IdpTokenRow, type TokenHistoryRow } from './entities.js';
import { timeOrderedId } from './ids.js';

/** Where a sealed value lives: its associated data (token-cipher.ts). */
const tokenAad = (row: Pick<IdpTokenRow, 'tokenId' | 'userId' | 'provider'>, column: 'access_token' | 'refresh_token') =>
  `idp_tokens|${row.tokenId}|${row.userId}|${row.provider}|${column}`;
const revocationAad = (entryId: string, userId: string, provider: string) => `revocation_outbox|${entryId}|${userId}|${provider}|token`;

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

class TypeormStoredTokens implements StoredTokens {
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
    // Waits for rows another transaction holds (no SKIP LOCKED): every row must be re-sealed before
    // the old key can go. Rows that do not open under any key are left for the audit.
    const query = repository
      .createQueryBuilder('t')
      .where('t.encryptionKeyId <> :active', { active: this.cipher.activeKeyId })
      .andWhere('t.encryptionKeyId IN (:...known)', { known: this.cipher.keyIds })
      .orderBy('t.id', 'ASC')
      .take(limit);
    if (this.canLock) query.setLock('pessimistic_write');
    const rows = await query.getMany();
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

class TypeormTokenHistory implements TokenHistory {
  constructor(private readonly manager: EntityManager) {}

  async record(...events: NewHistoryEvent[]) {
    if (events.length === 0) return;
    const rows = events.map((event): TokenHistoryRow => {
      const occurredAt = new Date();
      return {
        eventId: timeOrderedId('evt', occurredAt.getTime()),
        occurredAt,
        action: event.action,
        userId: event.userId,
        provider: event.provider,
        actorKind: event.actor.kind,
        actorId: event.actor.id,
        viaService: event.actor.viaService ?? '',
        ipAddress: event.ipAddress ?? '',
        groupName: event.group ?? '',
        scopes: [...(event.scopes ?? [])],
        detail: (event.detail ?? '').slice(0, 512),
        requestId: (event.requestId ?? '').slice(0, 128),
      };
    });
    await this.manager.getRepository(TokenHistoryEntity).insert(rows);
  }

  async list(filter: HistoryFilter, { after, limit }: After<{ occurredAt: Date; eventId: string }>): Promise<HistoryEvent[]> {
    const query = this.manager.getRepository(TokenHistoryEntity).createQueryBuilder('h').orderBy('h.occurredAt', 'DESC').addOrderBy('h.eventId', 'DESC').take(limit);
    if (filter.userId) query.andWhere('h.userId = :userId', { userId: filter.userId });
    if (filter.provider) query.andWhere('h.provider = :provider', { provider: filter.provider });
    if (filter.actions && filter.actions.length > 0) query.andWhere('h.action IN (:...actions)', { actions: filter.actions });
    if (filter.from) query.andWhere('h.occurredAt >= :from', { from: filter.from.getTime() });
    if (filter.until) query.andWhere('h.occurredAt < :until', { until: filter.until.getTime() });
    if (after) {
      const at = after.occurredAt.getTime();
      query.andWhere(new Brackets((q) => q.where('h.occurredAt < :at', { at }).orWhere('h.occurredAt = :at AND h.eventId < :id', { at, id: after.eventId })));
    }
    const rows = await query.getMany();
    return rows.map((row) => ({
      eventId: row.eventId,
      occurredAt: row.occurredAt,
      action: row.action as HistoryAction,
      userId: row.userId,
      provider: row.provider,
      actor: { kind: row.actorKind as HistoryEvent['actor']['kind'], id: row.actorId, ...(row.viaService ? { viaService: row.viaService } : {}) },
      ipAddress: row.ipAddress,
      group: row.groupName,
      scopes: row.scopes,
      detail: row.detail,
      requestId: row.requestId,
    }));
  }
}

class TypeormRevocationOutbox implements RevocationOutbox {
  constructor(
    private readonly manager: EntityManager,
    private readonly cipher: TokenCipher,
    private readonly canLock: boolean,
  ) {}

  async enqueue(revocation: NewRevocation) {
    const now = new Date();
    const entryId = timeOrderedId('rev', now.getTime());
    const sealed = this.cipher.seal(revocation.token, revocationAad(entryId, revocation.userId, revocation.provider));
    await this.manager.getRepository(RevocationEntity).insert({
      entryId,
      userId: revocation.userId,
      provider: revocation.provider,
      clientId: revocation.clientId,
      tokenTypeHint: revocation.tokenTypeHint,
      token: sealed.value,
      encryptionKeyId: sealed.keyId,
      attempts: 0,
      nextAttemptAt: now,
      lastError: '',
      createdAt: now,
    });
  }

  async due(now: Date, limit: number): Promise<PendingRevocation[]> {
    // An entry sealed under a key that left the keyring cannot be sent; it stays for the audit
    // instead of stopping the rest.
    const query = this.manager
      .getRepository(RevocationEntity)
      .createQueryBuilder('r')
      .where('r.nextAttemptAt <= :now', { now: now.getTime() })
      .andWhere('r.encryptionKeyId IN (:...known)', { known: this.cipher.keyIds })
      .orderBy('r.nextAttemptAt', 'ASC')
      .addOrderBy('r.id', 'ASC')
      .take(limit);
    if (this.canLock) query.setLock('pessimistic_write').setOnLocked('skip_locked');
    const rows = await query.getMany();
    return rows.map((row) => ({
      id: row.entryId,
      userId: row.userId,
      provider: row.provider,
      clientId: row.clientId,
      tokenTypeHint: row.tokenTypeHint as PendingRevocation['tokenTypeHint'],
      token: this.cipher.open({ keyId: row.encryptionKeyId, value: row.token }, revocationAad(row.entryId, row.userId, row.provider)),
      attempts: row.attempts,
      nextAttemptAt: row.nextAttemptAt,
      createdAt: row.createdAt,
    }));
  }

  async reencrypt(limit: number) {
    const repository = this.manager.getRepository(RevocationEntity);
    const query = repository
      .createQueryBuilder('r')
      .where('r.encryptionKeyId <> :active', { active: this.cipher.activeKeyId })
      .andWhere('r.encryptionKeyId IN (:...known)', { known: this.cipher.keyIds })
      .orderBy('r.id', 'ASC')
      .take(limit);
    if (this.canLock) query.setLock('pessimistic_write');
    const rows = await query.getMany();
    for (const row of rows) {
      const aad = revocationAad(row.entryId, row.userId, row.provider);
      const sealed = this.cipher.seal(this.cipher.open({ keyId: row.encryptionKeyId, value: row.token }, aad), aad);
      await repository.update({ id: row.id! }, { token: sealed.value, encryptionKeyId: sealed.keyId });
    }
    return rows.length;
  }

  async postpone(id: string, until: Date) {
    await this.manager.getRepository(RevocationEntity).update({ entryId: id }, { nextAttemptAt: until });
  }

  async done(id: string) {
    await this.manager.getRepository(RevocationEntity).delete({ entryId: id });
  }

  async retryLater(id: string, nextAttemptAt: Date, lastError: string) {
    await this.manager.getRepository(RevocationEntity).increment({ entryId: id }, 'attempts', 1);
    await this.manager.getRepository(RevocationEntity).update({ entryId: id }, { nextAttemptAt, lastError: lastError.slice(0, 255) });
  }

  async depth() {
    const raw = await this.manager.getRepository(RevocationEntity).createQueryBuilder('r').select('COUNT(*)', 'count').addSelect('MIN(r.createdAt)', 'oldest').getRawOne<{ count: string | number; oldest: string | number | null }>();
    return { count: Number(raw?.count ?? 0), oldest: raw?.oldest === null || raw?.oldest === undefined ? undefined : new Date(Number(raw.oldest)) };
  }
}

const cacheAad = (entry: Pick<CachedAccessToken, 'userId' | 'provider' | 'cacheKey'>) => `access_token_cache|${entry.userId}|${entry.provider}|${entry.cacheKey}|access_token`;

class TypeormAccessTokenCache implements AccessTokenCache {
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

export function typeormStores(manager: EntityManager, cipher: TokenCipher, canLock: boolean): TokenStores {
  return { tokens: new TypeormStoredTokens(manager, cipher, canLock), cache: new TypeormAccessTokenCache(manager, cipher), history: new TypeormTokenHistory(manager), outbox: new TypeormRevocationOutbox(manager, cipher, canLock) };
}
