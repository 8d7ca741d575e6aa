import { Counter, Gauge, type Registry } from 'prom-client';
import type { TokenDb } from '../storage/stores.js';

/** tokenmanager's own metrics; the RPC ones come from libs/rpc. */
export class TokenMetrics {
  readonly #getToken: Counter<'outcome' | 'cache'>;
  readonly #refreshes: Counter<'provider' | 'outcome'>;

  constructor(registry: Registry, db: TokenDb) {
    this.#getToken = new Counter({
      name: 'tokenmanager_get_token_total',
      help: 'GetToken answers by outcome (ok, or the TokenErrorReason) and whether the cache served them',
      labelNames: ['outcome', 'cache'],
      registers: [registry],
    });
    this.#refreshes = new Counter({
      name: 'tokenmanager_idp_refreshes_total',
      help: 'Refreshes of stored tokens at the IdP, by outcome (ok, rotated, or the failure reason)',
      labelNames: ['provider', 'outcome'],
      registers: [registry],
    });
    // Read from TokenDB when scraped: the shared truth, the same on every replica.
    new Gauge({
      name: 'tokenmanager_revocation_outbox_depth',
      help: 'Revocations waiting to be confirmed by their IdP',
      registers: [registry],
      async collect() {
        this.set((await db.transaction((s) => s.outbox.depth())).count);
      },
    });
    new Gauge({
      name: 'tokenmanager_revocation_outbox_oldest_age_seconds',
      help: 'How long the oldest waiting revocation has waited (0 when none waits)',
      registers: [registry],
      async collect() {
        const { oldest } = await db.transaction((s) => s.outbox.depth());
        this.set(oldest ? (Date.now() - oldest.getTime()) / 1000 : 0);
      },
    });
    new Gauge({
      name: 'tokenmanager_stored_tokens',
      help: 'Stored IdP tokens by provider',
      labelNames: ['provider'],
      registers: [registry],
      async collect() {
        this.reset();
        for (const [provider, count] of await db.transaction((s) => s.tokens.countByProvider())) this.set({ provider }, count);
      },
    });
  }

  readonly #servedChildren = new Map<string, { inc(): void }>();

  served(outcome: string, cached: boolean): void {
    const key = `${outcome}\0${cached}`;
    let child = this.#servedChildren.get(key);
    if (!child) this.#servedChildren.set(key, (child = this.#getToken.labels(outcome, cached ? 'hit' : 'miss')));
    child.inc();
  }

  refreshed(provider: string, outcome: string): void {
    this.#refreshes.inc({ provider, outcome });
  }
}
