import type { CachedAccessToken } from '../storage/model.js';

/** How long a replica serves an entry from memory before it reads TokenDB again, by default. */
export const FRONT_TTL_MS = 15_000;
const MAX_ENTRIES = 10_000;

/**
 * A replica's in-memory front of the shared access-token cache, for speed only: TokenDB stays the
 * truth, and nothing here is needed for correctness. An entry is served for at most `ttlMs`
 * after it was read from TokenDB (or written to it), so a token deleted on another replica stops
 * being served here within that time; on this replica, deletion and replacement forget at once.
 */
export class AccessTokenFront {
  readonly #entries = new Map<string, { entry: CachedAccessToken; until: number }>();

  /** `ttlMs` 0 keeps nothing in memory: every GetToken reads TokenDB. */
  constructor(private readonly ttlMs = FRONT_TTL_MS) {}

  get(userId: string, provider: string, cacheKey: string, now = Date.now()): CachedAccessToken | undefined {
    const key = keyOf(userId, provider, cacheKey);
    const held = this.#entries.get(key);
    if (!held) return undefined;
    if (held.until > now) return held.entry;
    this.#entries.delete(key);
    return undefined;
  }

  set(entry: CachedAccessToken, now = Date.now()): void {
    if (this.ttlMs === 0) return;
    const key = keyOf(entry.userId, entry.provider, entry.cacheKey);
    this.#entries.delete(key);
    this.#entries.set(key, { entry, until: Math.min(now + this.ttlMs, entry.expiresAt.getTime()) });
    // Oldest first: Map keeps insertion order.
    if (this.#entries.size > MAX_ENTRIES) this.#entries.delete(this.#entries.keys().next().value!);
  }

  forget(userId: string, provider?: string): void {
    const prefix = provider === undefined ? `${userId}\0` : `${userId}\0${provider}\0`;
    for (const key of this.#entries.keys()) if (key.startsWith(prefix)) this.#entries.delete(key);
  }
}

const keyOf = (userId: string, provider: string, cacheKey: string) => `${userId}\0${provider}\0${cacheKey}`;
