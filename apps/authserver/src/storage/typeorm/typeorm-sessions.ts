import { isDuplicateKey } from '@tessera/database';
import { Brackets, In, IsNull, LessThan, MoreThan, type EntityManager } from 'typeorm';
import type { After, NewSession, RefreshTokenRecord, Session, SessionEnd } from '../model.js';
import { DuplicateKeyError, type Sessions } from '../stores.js';
import { deleteExpired } from './delete-expired.js';
import { RefreshTokenEntity, SessionEntity, type RefreshTokenRow, type SessionRow } from './entities.js';
import { lockedIf } from './row-lock.js';
import { identityColumns, identityOf, orUndefined, originColumns, originOf } from './row-parts.js';

function toSession(row: SessionRow): Session {
  return {
    id: row.id,
    clientId: row.clientId,
    // The columns are NOT NULL: a session always has its identity.
    identity: identityOf(row)!,
    scopes: row.scopes,
    createdAt: row.createdAt,
    expiresAt: row.expiresAt,
    lastUsedAt: orUndefined(row.lastUsedAt),
    revokedAt: orUndefined(row.revokedAt),
    endReason: orUndefined(row.endReason) as SessionEnd | undefined,
    origin: originOf(row),
    generation: row.generation,
  };
}

function toRecord(row: RefreshTokenRow): RefreshTokenRecord {
  return { tokenHash: row.tokenHash, sessionId: row.sessionId, generation: row.generation, issuedAt: row.issuedAt, rotatedAt: orUndefined(row.rotatedAt) };
}

/** Who may change a session: whoever holds its row lock rotates it; ending is a compare-and-set
 * on `revoked_at`, so the first end and its reason stay. */
export class TypeormSessions implements Sessions {
  constructor(
    private readonly manager: EntityManager,
    private readonly canLock: boolean,
  ) {}

  get #sessions() {
    return this.manager.getRepository(SessionEntity);
  }

  get #tokens() {
    return this.manager.getRepository(RefreshTokenEntity);
  }

  async create(session: NewSession, firstToken: { tokenHash: string; issuedAt: Date }) {
    const row: SessionRow = {
      id: session.id,
      clientId: session.clientId,
      ...identityColumns(session.identity),
      scopes: [...session.scopes],
      createdAt: session.createdAt,
      expiresAt: session.expiresAt,
      lastUsedAt: null,
      revokedAt: null,
      endReason: null,
      ...originColumns(session.origin),
      generation: 0,
    };
    await this.#insert(() => this.#sessions.insert(row));
    await this.#insert(() => this.#tokens.insert({ tokenHash: firstToken.tokenHash, sessionId: session.id, generation: 0, issuedAt: firstToken.issuedAt, rotatedAt: null }));
    return toSession(row);
  }

  async byId(id: string, options: { forUpdate?: boolean } = {}) {
    const query = this.#sessions.createQueryBuilder('s').where('s.id = :id', { id });
    const row = await lockedIf(query, this.manager, this.canLock, options.forUpdate).getOne();
    return row ? toSession(row) : undefined;
  }

  async tokenByHash(tokenHash: string, options: { forUpdate?: boolean } = {}) {
    const query = this.#tokens.createQueryBuilder('t').where('t.tokenHash = :tokenHash', { tokenHash });
    const row = await lockedIf(query, this.manager, this.canLock, options.forUpdate).getOne();
    return row ? toRecord(row) : undefined;
  }

  async currentToken(sessionId: string) {
    const row = await this.#tokens.findOneBy({ sessionId, rotatedAt: IsNull() });
    return row ? toRecord(row) : undefined;
  }

  async rotate(sessionId: string, retire: readonly string[], next: { tokenHash: string; issuedAt: Date; generation: number }) {
    const now = next.issuedAt;
    // By primary key: a range on session_id would lock index gaps other sessions insert into, and
    // two unrelated rotations could deadlock.
    if (retire.length > 0) await this.#tokens.update({ tokenHash: In([...retire]), rotatedAt: IsNull() }, { rotatedAt: now });
    await this.#insert(() => this.#tokens.insert({ tokenHash: next.tokenHash, sessionId, generation: next.generation, issuedAt: now, rotatedAt: null }));
    await this.#sessions.update({ id: sessionId }, { generation: next.generation, lastUsedAt: now });
  }

  async end(sessionId: string, reason: SessionEnd, now: Date) {
    const result = await this.#sessions.update({ id: sessionId, revokedAt: IsNull(), expiresAt: MoreThan(now) }, { revokedAt: now, endReason: reason });
    return Boolean(result.affected);
  }

  async endAllOfUser(userId: string, reason: SessionEnd, now: Date) {
    const result = await this.#sessions.update({ userId, revokedAt: IsNull(), expiresAt: MoreThan(now) }, { revokedAt: now, endReason: reason });
    return result.affected ?? 0;
  }

  async ofUser(userId: string, { after, limit }: After<{ createdAt: Date; id: string }>, activeAt?: Date) {
    const query = this.#sessions.createQueryBuilder('s').where('s.userId = :userId', { userId }).orderBy('s.createdAt', 'DESC').addOrderBy('s.id', 'DESC').take(limit);
    if (after) query.andWhere(new Brackets((q) => q.where('s.createdAt < :c', { c: after.createdAt }).orWhere('s.createdAt = :c AND s.id < :id', { c: after.createdAt, id: after.id })));
    if (activeAt) query.andWhere('s.revokedAt IS NULL AND s.expiresAt > :activeAt', { activeAt });
    return (await query.getMany()).map(toSession);
  }

  async deleteExpired(before: Date, limit: number) {
    const { keys, deleted } = await deleteExpired(this.manager, SessionEntity, 'id', { where: [{ expiresAt: LessThan(before) }, { revokedAt: LessThan(before) }], order: { expiresAt: 'ASC' }, limit });
    if (keys.length > 0) await this.#tokens.delete({ sessionId: In(keys) });
    return deleted;
  }

  async #insert(insert: () => Promise<unknown>) {
    try {
      await insert();
    } catch (error) {
      if (isDuplicateKey(error)) throw new DuplicateKeyError('a session or refresh token with this key exists', { cause: error });
      throw error;
    }
  }
}
