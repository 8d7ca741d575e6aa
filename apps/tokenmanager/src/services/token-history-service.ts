import type { HistoryEvent, HistoryFilter } from '../storage/model.js';
import type { TokenDb } from '../storage/stores.js';

/** Reads the token history (written by the services that change TokenDB, in their transactions). */
export class TokenHistoryService {
  constructor(private readonly db: TokenDb) {}

  list(filter: HistoryFilter, after: { occurredAt: Date; eventId: string } | undefined, limit: number): Promise<HistoryEvent[]> {
    return this.db.transaction((stores) => stores.history.list(filter, { after, limit }));
  }
}
