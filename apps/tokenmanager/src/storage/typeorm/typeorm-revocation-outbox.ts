import type { EntityManager } from 'typeorm';
import type { TokenCipher } from '../../crypto/token-cipher.js';
import type { NewRevocation, PendingRevocation } from '../model.js';
import type { RevocationOutbox } from '../stores.js';
import { RevocationEntity } from './entities.js';
import { timeOrderedId } from './ids.js';
import { sealedUnderOtherKeys } from './sealed-under-other-keys.js';

const revocationAad = (entryId: string, userId: string, provider: string) => `revocation_outbox|${entryId}|${userId}|${provider}|token`;

export class TypeormRevocationOutbox implements RevocationOutbox {
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
    const rows = await sealedUnderOtherKeys(repository, this.cipher, this.canLock, limit);
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
