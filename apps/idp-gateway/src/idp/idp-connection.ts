import * as oidc from 'openid-client';
import type { IdpConfig } from '@tessera/config';
import type { Logger } from '@tessera/observability';
import { CircuitBreaker } from './circuit-breaker.js';
import { IdpError, IdpErrorKind } from './idp-error.js';
import type { IdpMetrics } from './idp-metrics.js';
import { fetchWithRequestSignal, requestSignal } from './request-signal.js';
import { withRetries } from './retry.js';
import { isInvalidClient, translateError } from './translate-error.js';

interface Discovered {
  /** One openid-client Configuration per configured client secret, in order. */
  configurations: oidc.Configuration[];
  fetchedAt: number;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * Everything the gateway knows about one IdP: its discovery document (cached, refreshed after
 * `discoveryTtl`, the stale copy kept if a refresh fails), its circuit breaker and its client
 * secrets. Every call to the IdP goes through `call`, which applies the breaker, the secrets in
 * order, retries for calls that are safe to repeat, error translation and metrics.
 */
export class IdpConnection {
  readonly breaker: CircuitBreaker;
  #discovered: Discovered | undefined;
  #discovering: Promise<Discovered> | undefined;
  /** Index of the secret that last worked; the IdP has moved past the earlier ones. */
  #secret = 0;

  constructor(
    readonly name: string,
    readonly config: IdpConfig,
    private readonly metrics: IdpMetrics,
    private readonly logger: Logger,
  ) {
    this.breaker = new CircuitBreaker({
      failureThreshold: config.breaker.failureThreshold,
      openForMs: config.breaker.openFor,
      onStateChange: (state) => {
        metrics.breakerState(name, state);
        logger.warn({ idp: name, state }, `circuit breaker ${state}`);
      },
    });
    metrics.breakerState(name, 'closed');
  }

  get discoveredAt(): Date | undefined {
    return this.#discovered ? new Date(this.#discovered.fetchedAt) : undefined;
  }

  /** The IdP's metadata, discovering it first if needed. */
  async metadata(): Promise<oidc.ServerMetadata> {
    const cached = this.#fresh();
    if (cached) return cached.configurations[0]!.serverMetadata();
    return this.call('discovery', async (config) => config.serverMetadata(), { safe: true });
  }

  /** A client configuration for work that does not contact the IdP (building an authorization
   * URL): it needs the metadata, but must not count for or against the breaker. */
  async localConfiguration(): Promise<oidc.Configuration> {
    await this.metadata(); // discovers through the breaker when the cache is stale
    return (await this.#configurations()).configurations[this.#secret]!;
  }

  /**
   * Calls the IdP. `safe` says whether the request may be sent twice: safe calls are retried here,
   * and any call's error is marked retryable for the caller only if repeating it is harmless (for
   * an unsafe call, only when the request provably never left, see translateError).
   */
  async call<T>(operation: string, fn: (config: oidc.Configuration) => Promise<T>, options: { safe: boolean }): Promise<T> {
    const signal = requestSignal.getStore();
    const done = this.metrics.start(this.name, operation);
    try {
      const attempt = () => this.#attempt(fn, signal, options.safe);
      const result = options.safe ? await withRetries(attempt, { retries: this.config.retries, signal }) : await attempt();
      done('ok');
      return result;
    } catch (error) {
      done(error instanceof IdpError ? IdpErrorKind[error.kind].toLowerCase() : 'internal');
      throw error;
    }
  }

  async #attempt<T>(fn: (config: oidc.Configuration) => Promise<T>, signal: AbortSignal | undefined, safe: boolean): Promise<T> {
    if (!this.breaker.tryAcquire()) {
      const retryAt = this.breaker.retryAt?.getTime() ?? Date.now();
      throw new IdpError({
        kind: IdpErrorKind.CIRCUIT_OPEN,
        provider: this.name,
        message: `identity provider ${this.name} is failing; calls are paused until ${new Date(retryAt).toISOString()}`,
        retryable: true,
        retryAfterMs: Math.max(0, retryAt - Date.now()),
      });
    }
    let configurations: oidc.Configuration[];
    try {
      ({ configurations } = await this.#configurations());
    } catch (thrown) {
      // Discovery is safe to repeat, and the call itself was not sent.
      throw this.#failed(thrown, signal, true);
    }
    try {
      const result = await this.#withSecrets(configurations, fn);
      this.breaker.recordSuccess();
      return result;
    } catch (thrown) {
      throw this.#failed(thrown, signal, safe);
    }
  }

  /** The failure as an IdpError, told to the breaker in our own words (never the IdP's). */
  #failed(thrown: unknown, signal: AbortSignal | undefined, safe: boolean): IdpError {
    const aborted = signal?.aborted ?? false;
    const error = translateError(this.name, thrown, { aborted, safe });
    if (error.countsAsOutage) this.breaker.recordFailure(error.summary);
    // A bug of ours, or the caller giving up, says nothing about the IdP.
    else if (aborted || error.kind === IdpErrorKind.UNSPECIFIED) this.breaker.release();
    else this.breaker.recordSuccess(); // the IdP answered; the answer was a refusal
    return error;
  }

  /** Tries every client secret once, starting from the last one that worked (the IdP has most
   * likely moved past the earlier ones, but may move on to a later or an earlier one); only a
   * refused client authentication moves on, since the IdP then processed nothing. */
  async #withSecrets<T>(configurations: oidc.Configuration[], fn: (config: oidc.Configuration) => Promise<T>): Promise<T> {
    const count = configurations.length;
    for (let n = 0; n < count; n++) {
      const i = (this.#secret + n) % count;
      try {
        const result = await fn(configurations[i]!);
        if (i !== this.#secret) this.logger.warn({ idp: this.name, from: this.#secret, to: i }, 'the IdP accepts another of the configured client secrets; switched');
        this.#secret = i;
        return result;
      } catch (error) {
        if (!isInvalidClient(error)) throw error;
      }
    }
    // Secret files may have been rotated since they were read: read them again next time.
    if (this.#discovered) this.#discovered = { ...this.#discovered, fetchedAt: 0 };
    throw new IdpError({
      kind: IdpErrorKind.PROVIDER_ERROR,
      provider: this.name,
      message: `identity provider ${this.name} refused the gateway's client authentication; check its clientSecrets`,
      oauthError: 'invalid_client',
    });
  }

  #fresh(): Discovered | undefined {
    const current = this.#discovered;
    return current && Date.now() - current.fetchedAt < this.config.discoveryTtl ? current : undefined;
  }

  #configurations(): Promise<Discovered> {
    const current = this.#discovered;
    const fresh = this.#fresh();
    if (fresh) return Promise.resolve(fresh);
    // One discovery at a time per IdP; concurrent callers share it, so it runs outside any one
    // caller's deadline (bounded by the IdP timeout instead).
    this.#discovering ??= requestSignal
      .exit(() => this.#discover())
      .then((discovered) => (this.#discovered = discovered))
      .catch((error: unknown) => {
        if (!current) throw error;
        const reason = translateError(this.name, error, { aborted: false, safe: true }).summary;
        this.logger.warn({ idp: this.name, reason }, 'discovery refresh failed; keeping the cached metadata');
        // Try again in a minute, not on every call while the IdP is down.
        const retryIn = Math.min(this.config.discoveryTtl, 60_000);
        return (this.#discovered = { ...current, fetchedAt: Date.now() - this.config.discoveryTtl + retryIn });
      })
      .finally(() => (this.#discovering = undefined));
    return this.#discovering;
  }

  async #discover(): Promise<Discovered> {
    const issuer = new URL(this.config.issuer);
    const insecure = issuer.protocol === 'http:' && LOOPBACK.has(issuer.host.replace(/:\d+$/, ''));
    const prepare = (config: oidc.Configuration) => {
      if (insecure) oidc.allowInsecureRequests(config);
      config.timeout = this.config.timeout / 1000;
      config[oidc.customFetch] = fetchWithRequestSignal;
      // ID tokens (code grant, refresh, token exchange) and signed userinfo are verified against
      // the IdP's JWKS, which openid-client caches per configuration and fetches with the fetch
      // above, so under the caller's deadline.
      oidc.enableNonRepudiationChecks(config);
    };
    const discovered = await oidc.discovery(issuer, this.config.clientId, undefined, oidc.None(), {
      execute: insecure ? [oidc.allowInsecureRequests] : [],
      timeout: this.config.timeout / 1000,
      [oidc.customFetch]: fetchWithRequestSignal,
    });
    const metadata = discovered.serverMetadata();
    const methods = metadata.token_endpoint_auth_methods_supported ?? ['client_secret_basic'];
    const auth = (secret: string) => (methods.includes('client_secret_post') ? oidc.ClientSecretPost(secret) : oidc.ClientSecretBasic(secret));
    const configurations = this.config.clientSecrets.map((secret) => {
      const config = new oidc.Configuration(metadata, this.config.clientId, {}, auth(secret.reveal()));
      prepare(config);
      return config;
    });
    this.logger.info({ idp: this.name, issuer: metadata.issuer }, 'IdP discovered');
    return { configurations, fetchedAt: Date.now() };
  }
}
