import MemoryAdapter from 'oidc-provider/lib/adapters/memory_adapter.js';

/**
 * What oidc-provider's memory adapter keeps its entries in, without the bound of 1000 entries its
 * default store has: every rotation of a refresh token adds one, so a few hundred refreshes would
 * evict other users' grants, and their next refresh would fail with invalid_grant. Entries leave
 * when they expire (swept every minute) or are destroyed. dev-idp is never run in production.
 */
class ExpiringMap<V> {
  readonly #entries = new Map<string, { value: V; until: number }>();

  get(key: string): V | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    if (entry.until > Date.now()) return entry.value;
    this.#entries.delete(key);
    return undefined;
  }

  set(key: string, value: V, options?: { maxAge?: number }): void {
    this.#entries.set(key, { value, until: options?.maxAge === undefined ? Infinity : Date.now() + options.maxAge });
  }

  delete(key: string): void {
    this.#entries.delete(key);
  }

  sweep(): void {
    const now = Date.now();
    for (const [key, entry] of this.#entries) if (entry.until <= now) this.#entries.delete(key);
  }
}

/** oidc-provider's own memory adapter over one ExpiringMap per provider. */
export function unboundedMemoryAdapter(): (model: string) => MemoryAdapter {
  const store = new ExpiringMap<unknown>();
  setInterval(() => store.sweep(), 60_000).unref();
  return (model) => new MemoryAdapter(model, store);
}
