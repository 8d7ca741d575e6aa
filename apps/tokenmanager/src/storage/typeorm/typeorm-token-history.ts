import { Brackets, type EntityManager } from 'typeorm';
import type { After, HistoryAction, HistoryEvent, HistoryFilter, NewHistoryEvent } from '../model.js';
import type { TokenHistory } from '../stores.js';
import { TokenHistoryEntity, type TokenHistoryRow } from './entities.js';
import { timeOrderedId } from './ids.js';

export class TypeormTokenHistory implements TokenHistory {
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
