import { Counter, Gauge, type Registry } from 'prom-client';
import type { AuthDb } from '../storage/stores.js';

/** The authserver's own metrics; the Connect API's come from libs/rpc. */
export class OAuthMetrics {
  readonly #requests: Counter<'endpoint' | 'grant_type' | 'outcome'>;

  constructor(registry: Registry, db: AuthDb) {
    this.#requests = new Counter({
      name: 'authserver_oauth_requests_total',
      help: 'OAuth endpoint answers by endpoint, grant type (token endpoint) and outcome (ok, or the OAuth error code)',
      labelNames: ['endpoint', 'grant_type', 'outcome'],
      registers: [registry],
    });
    // Read from AuthDB when scraped: the same on every replica.
    new Gauge({
      name: 'authserver_device_flows_pending',
      help: 'Device authorizations waiting for their user',
      registers: [registry],
      async collect() {
        this.set(await db.stores.deviceFlows.countPending(new Date()));
      },
    });
  }

  /** `grantType` only for the token endpoint; an unknown one is counted as "other" so a client
   * cannot grow the label set. */
  answered(endpoint: string, outcome: string, grantType = ''): void {
    this.#requests.inc({ endpoint, grant_type: KNOWN_GRANTS.has(grantType) ? grantType : grantType === '' ? '' : 'other', outcome });
  }
}

const KNOWN_GRANTS = new Set([
  'authorization_code',
  'refresh_token',
  'client_credentials',
  'urn:ietf:params:oauth:grant-type:device_code',
  'urn:ietf:params:oauth:grant-type:token-exchange',
]);
