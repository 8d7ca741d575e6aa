import type {
  After,
  CachedAccessToken,
  StoredTokenChange,
  HistoryEvent,
  HistoryFilter,
  NewHistoryEvent,
  NewRevocation,
  NewStoredToken,
  PendingRevocation,
  StoredToken,
  StoredTokenWithSecrets,
} from './model.js';

/**
 * The stored IdP tokens. Who may change a row: only a transaction that holds its lock
 * (`current(…, { forUpdate: true })`), so that two writers for one user and provider (an
 * UpdateToken and a refresh, two replicas) serialize on the row instead of overwriting each other.
 */
export interface StoredTokens {
  /** The user's token for the provider with its secrets; `forUpdate` locks the row (and, on
   * MariaDB, the gap where it would be) until the transaction ends. */
  current(userId: string, provider: string, options?: { forUpdate?: boolean }): Promise<StoredTokenWithSecrets | undefined>;
  /** Metadata of a user's tokens, ordered by provider. */
  ofUser(userId: string): Promise<StoredToken[]>;
  /** Metadata of many users' tokens, ordered by (userId, provider), after the given key. */
  page(userIds: readonly string[], page: After<{ userId: string; provider: string }>): Promise<StoredToken[]>;
  /** Writes the user's token for the provider, replacing the row if there is one (a new token id). */
  put(token: NewStoredToken): Promise<StoredToken>;
  /** Deletes the user's tokens (of one provider, or all); returns what was deleted, with secrets. */
  remove(userId: string, provider?: string): Promise<StoredTokenWithSecrets[]>;
  /** How many tokens are stored per provider. */
  countByProvider(): Promise<Map<string, number>>;
  /** Changes the row `current` read in place (same token id, next version), in one statement:
   * call only under its lock. */
  change(current: StoredTokenWithSecrets, change: StoredTokenChange): Promise<void>;
  /** Seals up to `limit` rows under the active key that another key of the keyring sealed;
   * returns how many it re-sealed. */
  reencrypt(limit: number): Promise<number>;
  /** Rows not sealed under the active key (after a re-encryption: those whose key is gone). */
  sealedWithOtherKeys(): Promise<number>;
}

/**
 * The shared access-token cache. An entry is written by whoever holds the stored token's row lock
 * (the refresh that obtained it), or for client tokens by whoever obtained one; readers need no
 * lock: an entry is only ever replaced whole.
 */
export interface AccessTokenCache {
  get(userId: string, provider: string, cacheKey: string): Promise<CachedAccessToken | undefined>;
  put(entry: CachedAccessToken): Promise<void>;
  /** Drops a user's entries (of one provider, or all): the stored token behind them is gone. */
  forget(userId: string, provider?: string): Promise<void>;
}

/** The token history: append-only. */
export interface TokenHistory {
  /** Appends the events in one statement. */
  record(...events: NewHistoryEvent[]): Promise<void>;
  /** Newest first, after the given (occurredAt, eventId). */
  list(filter: HistoryFilter, page: After<{ occurredAt: Date; eventId: string }>): Promise<HistoryEvent[]>;
}

/** Revocations to make at IdPs, written in the transaction that retires the token. */
export interface RevocationOutbox {
  enqueue(revocation: NewRevocation): Promise<void>;
  /** Entries whose time has come, oldest first, locked for this transaction; on MariaDB rows another
   * replica holds are skipped (FOR UPDATE SKIP LOCKED), so each entry is worked by one at a time. */
  due(now: Date, limit: number): Promise<PendingRevocation[]>;
  /** Leaves the entry alone until `until` (a worker's claim while it sends it). */
  postpone(id: string, until: Date): Promise<void>;
  /** The IdP confirmed (or needs no) revocation: the entry is done. */
  done(id: string): Promise<void>;
  /** The attempt failed: try again at `nextAttemptAt`; `lastError` is a code, never the IdP's words. */
  retryLater(id: string, nextAttemptAt: Date, lastError: string): Promise<void>;
  /** As StoredTokens.reencrypt. */
  reencrypt(limit: number): Promise<number>;
  /** How many are waiting, and since when the oldest. */
  depth(): Promise<{ count: number; oldest: Date | undefined }>;
}

/** Everything a service may touch inside one transaction. */
export interface TokenStores {
  readonly tokens: StoredTokens;
  readonly cache: AccessTokenCache;
  readonly history: TokenHistory;
  readonly outbox: RevocationOutbox;
}

/**
 * TokenDB. Services own the transaction: `transaction(work)` runs `work` with stores bound to one
 * transaction, commits when it resolves and rolls back when it throws; storage never commits. A
 * transaction that loses a race (deadlock, lock wait timeout, a duplicate insert) is run again,
 * a few times, from the start.
 */
export interface TokenDb {
  /** `retry: false` for work that must not run twice (it called an IdP): a lost race then fails. */
  transaction<T>(work: (stores: TokenStores) => Promise<T>, options?: { retry?: boolean }): Promise<T>;
  close(): Promise<void>;
}
