/**
 * How often one user may make this replica call their IdP (cache misses, skip_cache): a token
 * bucket per user and provider, refilled at `perMinute` and holding at most that many. Cache hits
 * cost nothing. Each replica counts for itself: a limit on IdP load and on a caller forcing
 * refreshes, never needed for correctness.
 */
const MAX_BUCKETS = 100_000;

export class RefreshRateLimit {
  readonly #buckets = new Map<string, { tokens: number; at: number }>();

  constructor(private readonly perMinute: number) {}

  /** Takes one call; returns 0 when allowed, else how many milliseconds until one is. */
  take(userId: string, provider: string, now = Date.now()): number {
    const key = `${userId}\0${provider}`;
    const bucket = this.#buckets.get(key) ?? { tokens: this.perMinute, at: now };
    const tokens = Math.min(this.perMinute, bucket.tokens + ((now - bucket.at) * this.perMinute) / 60_000);
    if (tokens < 1) {
      this.#buckets.set(key, { tokens, at: now });
      return Math.ceil(((1 - tokens) * 60_000) / this.perMinute);
    }
    this.#buckets.set(key, { tokens: tokens - 1, at: now });
    if (this.#buckets.size > MAX_BUCKETS) this.#forgetFull(now);
    return 0;
  }

  /** A bound on memory that resets nobody: only buckets that have refilled go (a full bucket is
   * what an unknown key gets anyway). */
  #forgetFull(now: number): void {
    for (const [key, bucket] of this.#buckets) {
      if (bucket.tokens + ((now - bucket.at) * this.perMinute) / 60_000 >= this.perMinute) this.#buckets.delete(key);
    }
  }
}
