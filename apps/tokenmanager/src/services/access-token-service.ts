import { timestampDate } from '@bufbuild/protobuf/wkt';
import type { Client } from '@connectrpc/connect';
import type { RegistryConfig } from '@tessera/config';
import { idpgatewayV1, type IdpGatewayService } from '@tessera/contracts';
import type { CachedAccessToken, NewHistoryEvent } from '../storage/model.js';
import type { TokenDb, TokenStores } from '../storage/stores.js';
import { IdpGatewayError } from '../upstream/idp-gateway-error.js';
import type { RequestContext } from './stored-tokens-service.js';
import type { AccessTokenFront } from './access-token-front.js';
import type { RefreshRateLimit } from './refresh-rate-limit.js';
import type { TokenMetrics } from './token-metrics.js';
import { exchangeFailure, refreshFailure } from './gateway-failures.js';
import { TokenError, TokenErrorReason } from './token-errors.js';
import { resolveRequest, type ResolvedRequest, type TokenRequest } from './token-request.js';
import { jwtExpiry } from './token-times.js';

/** An access token as GetToken answers it. */
export interface IssuedToken {
  accessToken: string;
  tokenType: string;
  expiresAt: Date;
  scopes: readonly string[];
  audience: string;
  provider: string;
  group: string;
  cached: boolean;
}

type Outcome = { token: IssuedToken; entry: CachedAccessToken } | { error: TokenError };
/** What a refresh sent and what the IdP rotated it to, kept outside its transaction. */
interface Rotation {
  sent?: string;
  rotated?: string;
  refreshExpiresAt?: Date;
}
/** The budget of one IdP call through the gateway (which bounds each IdP request itself). */
const IDP_CALL = { timeoutMs: 20_000 };

/**
 * GetToken: an access token for a user (or a VO's client) from the shared cache when one lives long
 * enough, else from the IdP through the idp-gateway.
 *
 * Who may change what, under which lock: the stored token's row is changed only by a transaction
 * holding its row lock (FOR UPDATE on MariaDB; SQLite's transactions run one at a time). A cache
 * miss takes that lock, reads the cache again under it (another replica may just have refreshed),
 * and only then asks the IdP, holding the lock across the call, so replicas on one database make one
 * refresh between them; in one process, concurrent misses for one entry share one flight before
 * they reach the database. A rotated refresh token and the new access token commit together in that
 * transaction, before the answer leaves.
 */
export class AccessTokenService {
  readonly #flights = new Map<string, Promise<IssuedToken>>();
  readonly #turns = new Map<string, Promise<unknown>>();

  constructor(
    private readonly db: TokenDb,
    private readonly registry: RegistryConfig,
    private readonly gateway: Client<typeof IdpGatewayService>,
    private readonly front: AccessTokenFront,
    private readonly options: { providers: ReadonlySet<string>; metrics?: TokenMetrics; rateLimit?: RefreshRateLimit },
  ) {}

  /** `context` is asked for only on a cache miss: a hit writes no history. */
  async get(request: TokenRequest, context: () => RequestContext): Promise<IssuedToken> {
    try {
      const token = await this.#get(request, context);
      this.options.metrics?.served('ok', token.cached);
      return token;
    } catch (error) {
      this.options.metrics?.served(error instanceof TokenError ? TokenErrorReason[error.reason].toLowerCase() : 'error', false);
      throw error;
    }
  }

  async #get(request: TokenRequest, context: () => RequestContext): Promise<IssuedToken> {
    const resolved = this.#resolve(request);
    if (!resolved.skipCache) {
      const near = this.front.get(resolved.userId, resolved.provider, resolved.cacheKey);
      if (near && lives(near.expiresAt, resolved.minLifetimeMs)) return issued(near, resolved, true);
      const hit = await this.db.transaction((stores) => stores.cache.get(resolved.userId, resolved.provider, resolved.cacheKey));
      if (hit) this.front.set(hit);
      if (hit && lives(hit.expiresAt, resolved.minLifetimeMs)) return issued(hit, resolved, true);
    }
    const flight = `${resolved.userId}\0${resolved.provider}\0${resolved.group}\0${resolved.cacheKey}\0${resolved.minLifetimeMs}\0${resolved.skipCache}`;
    let shared = this.#flights.get(flight);
    if (!shared) {
      // Only a call that will reach the IdP counts; one joining a flight in progress does not.
      const waitMs = this.options.rateLimit?.take(resolved.userId || `client:${resolved.group}`, resolved.provider) ?? 0;
      if (waitMs > 0) {
        throw new TokenError(TokenErrorReason.RATE_LIMITED, `too many IdP calls for ${resolved.userId || 'the client'} at ${resolved.provider}; retry in ${Math.ceil(waitMs / 1000)} s`, {
          userId: resolved.userId,
          provider: resolved.provider,
          retryable: true,
          retryAfterMs: waitMs,
        });
      }
      shared = this.#obtain(resolved, context()).finally(() => this.#flights.delete(flight));
      this.#flights.set(flight, shared);
    }
    const token = await shared;
    if (!lives(token.expiresAt, resolved.minLifetimeMs)) {
      throw new TokenError(TokenErrorReason.LIFETIME_UNATTAINABLE, `even a new token from ${resolved.provider} lives less than the ${resolved.minLifetimeMs / 1000} s asked for`, { userId: resolved.userId, provider: resolved.provider });
    }
    return token;
  }

  async #obtain(request: ResolvedRequest, context: RequestContext): Promise<IssuedToken> {
    const outcome: Outcome = request.userId === '' ? await this.#clientToken(request) : await this.#inTurn(request, () => this.#refreshOnce(request, context));
    if ('error' in outcome) throw outcome.error;
    // Only after the transaction committed: memory never holds what TokenDB does not.
    this.front.set(outcome.entry);
    return outcome.token;
  }

  /** Requests resolved lately: the registry does not change while the process runs, and most calls
   * repeat a few requests. Only successful resolutions are kept. */
  readonly #resolved = new Map<string, ResolvedRequest>();

  #resolve(request: TokenRequest): ResolvedRequest {
    const key = JSON.stringify([request.userId, request.group, request.provider, request.audience, request.scopes]);
    const known = this.#resolved.get(key);
    if (known) return { ...known, minLifetimeMs: request.minLifetimeMs, skipCache: request.skipCache };
    const resolved = resolveRequest(request, this.registry, this.options.providers);
    if (this.#resolved.size >= 10_000) this.#resolved.clear();
    this.#resolved.set(key, resolved);
    return resolved;
  }

  /** Misses for one user and provider wait their turn here, in this process, before they take a
   * database connection: otherwise each would hold one while it waits for the row lock, and a slow
   * IdP would starve the pool for every other user. */
  #inTurn<T>(request: ResolvedRequest, run: () => Promise<T>): Promise<T> {
    const key = `${request.userId}\0${request.provider}`;
    const previous = this.#turns.get(key) ?? Promise.resolve();
    const mine = previous.then(run, run);
    const settled = mine.then(
      () => undefined,
      () => undefined,
    );
    this.#turns.set(key, settled);
    void settled.then(() => this.#turns.get(key) === settled && this.#turns.delete(key));
    return mine;
  }

  /**
   * The refresh transaction runs once: it called the IdP, so a lost race is not run again (it would
   * send a refresh token the IdP has already replaced). If it fails after the IdP rotated the
   * refresh token, the rotated one is saved in a transaction of its own, provided the stored token
   * is still the one that was sent, and the caller is told to retry.
   */
  async #refreshOnce(request: ResolvedRequest, context: RequestContext): Promise<Outcome> {
    const rotation: Rotation = {};
    // Outside the transaction: a capability of the IdP, asked once in a while, not under a lock.
    const exchange = request.audience !== '' && (await this.#offersExchange(request.provider));
    if (exchange === undefined) {
      // Asking the refresh for the audience might give a token without it, cached as if it had it.
      return { error: new TokenError(TokenErrorReason.IDP_UNAVAILABLE, `cannot tell whether ${request.provider} offers token exchange; retry later`, { userId: request.userId, provider: request.provider, retryable: true }) };
    }
    try {
      return await this.db.transaction((stores) => this.#refresh(stores, request, context, rotation, exchange), { retry: false });
    } catch (error) {
      if (rotation.rotated === undefined || rotation.sent === undefined) throw error;
      const { sent, rotated, refreshExpiresAt } = rotation;
      try {
        await this.db.transaction(async (stores) => {
          const current = await stores.tokens.current(request.userId, request.provider, { forUpdate: true });
          if (current?.secrets.refreshToken !== sent) return;
          await stores.tokens.change(current, { refreshToken: rotated, lastUsedAt: new Date(), ...(refreshExpiresAt ? { refreshExpiresAt } : {}) });
          await stores.history.record({ userId: request.userId, provider: request.provider, actor: context.actor, requestId: context.requestId, action: 'rotated', detail: 'kept after the refresh transaction failed' });
        });
      } catch {
        throw error; // the first failure is the one to report (and log); the rotated token is lost
      }
      return { error: new TokenError(TokenErrorReason.IDP_UNAVAILABLE, 'TokenDB failed after the refresh; the rotated refresh token was kept: retry', { userId: request.userId, provider: request.provider, retryable: true }) };
    }
  }

  /** Whether the IdP offers RFC 8693 token exchange (the gateway's ListProviders), remembered for
   * ten minutes (providers are the configured ones, so this stays small); undefined when it cannot
   * be told. */
  readonly #exchange = new Map<string, { offers: boolean; until: number }>();

  async #offersExchange(provider: string): Promise<boolean | undefined> {
    const known = this.#exchange.get(provider);
    if (known && known.until > Date.now()) return known.offers;
    let offers: boolean;
    try {
      const { providers } = await this.gateway.listProviders({}, { timeoutMs: 3000 });
      offers = providers.find((p) => p.name === provider)?.supportsTokenExchange ?? false;
    } catch {
      return known?.offers;
    }
    this.#exchange.set(provider, { offers, until: Date.now() + 600_000 });
    return offers;
  }

  /**
   * Under the stored token's row lock; returns the failure rather than throwing it, so that what
   * the failure changed (a grant marked dead, the history) commits. A request for an audience, at an IdP that offers token
   * exchange, refreshes the stored token and exchanges the access token it got for one meant for
   * that audience (RFC 8693), narrowed to the scopes asked for; otherwise the refresh itself asks.
   */
  async #refresh(stores: TokenStores, request: ResolvedRequest, context: RequestContext, rotation: Rotation, exchange: boolean): Promise<Outcome> {
    const { userId, provider } = request;
    const about = { userId, provider };
    const now = new Date();
    const stored = await stores.tokens.current(userId, provider, { forUpdate: true });
    if (!stored) return { error: new TokenError(TokenErrorReason.NO_STORED_TOKEN, `no stored token for ${userId} at ${provider}: the user must log in`, about) };
    if (stored.undecryptable) {
      return { error: new TokenError(TokenErrorReason.GRANT_REJECTED, `${userId}'s stored token for ${provider} cannot be decrypted (key ${stored.encryptionKeyId} is not in the keyring): the user must log in again`, about) };
    }
    if (stored.revokedAt) return { error: new TokenError(TokenErrorReason.GRANT_REJECTED, `${provider} rejected ${userId}'s stored grant: the user must log in again`, about) };
    if (stored.refreshExpiresAt <= now) return { error: new TokenError(TokenErrorReason.REFRESH_TOKEN_EXPIRED, `${userId}'s stored refresh token for ${provider} has expired: the user must log in again`, about) };
    if (!request.skipCache) {
      const hit = await stores.cache.get(userId, provider, request.cacheKey);
      if (hit && lives(hit.expiresAt, request.minLifetimeMs)) return { token: issued(hit, request, true), entry: hit };
    }
    const event = { ...about, actor: context.actor, requestId: context.requestId, ipAddress: context.ipAddress ?? '', group: request.group, scopes: request.scopes };
    let response: idpgatewayV1.RefreshTokenResponse;
    try {
      // Its own budget, not the caller's: the flight is shared, and a refresh that reached the IdP
      // must come back and commit even if the caller who started it has gone.
      rotation.sent = stored.secrets.refreshToken;
      response = await this.gateway.refreshToken(
        { provider, refreshToken: stored.secrets.refreshToken, scopes: request.scopes, audiences: request.audience && !exchange ? [request.audience] : [] },
        IDP_CALL,
      );
    } catch (error) {
      const failure = refreshFailure(error, about);
      this.options.metrics?.refreshed(provider, TokenErrorReason[failure.reason].toLowerCase());
      if (failure.reason === TokenErrorReason.GRANT_REJECTED) {
        // Under the row lock the stored refresh token is the one just sent: no sibling rotated it,
        // so the IdP's refusal is about this very grant.
        await stores.tokens.change(stored, { revokedAt: now });
        await stores.cache.forget(userId, provider);
      }
      await stores.history.record({ ...event, action: 'refresh_failed', detail: error instanceof IdpGatewayError ? error.oauthError || idpgatewayV1.IdpErrorKind[error.kind] : 'idp-gateway unreachable' });
      return { error: failure };
    }
    const set = response.tokenSet;
    this.options.metrics?.refreshed(provider, response.refreshTokenRotated ? 'rotated' : 'ok');
    // First thing after the IdP answered: the rotated refresh token, in this transaction.
    const rotated = response.refreshTokenRotated && set?.refreshToken ? set.refreshToken : undefined;
    rotation.rotated = rotated;
    if (set?.refreshExpiresAt) rotation.refreshExpiresAt = timestampDate(set.refreshExpiresAt);
    await stores.tokens.change(stored, { lastUsedAt: now, ...(rotated ? { refreshToken: rotated, ...(set?.refreshExpiresAt ? { refreshExpiresAt: timestampDate(set.refreshExpiresAt) } : {}) } : {}) });
    const happened: NewHistoryEvent[] = [...(rotated ? [{ ...event, action: 'rotated' as const }] : []), { ...event, action: 'refreshed' as const, scopes: set?.scopes ?? [] }];
    if (response.refusedScopes.length > 0) {
      await stores.history.record(...happened);
      return { error: new TokenError(TokenErrorReason.SCOPE_REFUSED, `${provider} refused the scopes ${response.refusedScopes.join(' ')}`, about) };
    }
    let issuedSet = set;
    if (exchange && set?.accessToken) {
      try {
        const exchanged = await this.gateway.exchangeToken(
          { provider, subjectToken: set.accessToken, subjectTokenType: idpgatewayV1.TokenTypeIdentifier.ACCESS_TOKEN, scopes: request.scopes, audiences: [request.audience] },
          IDP_CALL,
        );
        issuedSet = exchanged.tokenSet;
        happened.push({ ...event, action: 'exchanged', detail: `for ${request.audience}` });
        if (exchanged.refusedScopes.length > 0) {
          await stores.history.record(...happened);
          return { error: new TokenError(TokenErrorReason.SCOPE_REFUSED, `${provider} refused the scopes ${exchanged.refusedScopes.join(' ')} for ${request.audience}`, about) };
        }
      } catch (error) {
        // The refresh (and a rotation) stands; only the exchange failed, so the grant is not dead.
        await stores.history.record(...happened, { ...event, action: 'refresh_failed', detail: `exchange: ${error instanceof IdpGatewayError ? error.oauthError || idpgatewayV1.IdpErrorKind[error.kind] : 'idp-gateway unreachable'}` });
        return { error: exchangeFailure(error, about, request.audience) };
      }
    }
    const entry = this.#entry(request, issuedSet);
    if (!entry) {
      await stores.history.record(...happened);
      return { error: new TokenError(TokenErrorReason.LIFETIME_UNATTAINABLE, `${provider} issued no access token with a known lifetime`, about) };
    }
    await stores.cache.put(entry);
    await stores.history.record(...happened, { ...event, action: 'issued', scopes: entry.scopes });
    return { token: issued(entry, request, false), entry };
  }

  /** A VO's own client token (client credentials, DIRAC's pilot case): safe to obtain twice, so
   * replicas do not lock for it. */
  async #clientToken(request: ResolvedRequest): Promise<Outcome> {
    const about = { provider: request.provider };
    let response: idpgatewayV1.ClientCredentialsResponse;
    try {
      response = await this.gateway.clientCredentials({ provider: request.provider, scopes: request.scopes, audiences: request.audience ? [request.audience] : [] }, IDP_CALL);
    } catch (error) {
      return { error: refreshFailure(error, about) };
    }
    const entry = this.#entry(request, response.tokenSet);
    if (!entry) return { error: new TokenError(TokenErrorReason.LIFETIME_UNATTAINABLE, `${request.provider} issued no access token with a known lifetime`, about) };
    await this.db.transaction((stores) => stores.cache.put(entry));
    return { token: issued(entry, request, false), entry };
  }

  #entry(request: ResolvedRequest, set: idpgatewayV1.TokenSet | undefined): CachedAccessToken | undefined {
    if (!set?.accessToken) return undefined;
    const expiresAt = set.expiresAt ? timestampDate(set.expiresAt) : jwtExpiry(set.accessToken);
    if (!expiresAt) return undefined;
    return {
      userId: request.userId,
      provider: request.provider,
      cacheKey: request.cacheKey,
      accessToken: set.accessToken,
      tokenType: set.tokenType || 'Bearer',
      scopes: set.scopes.length > 0 ? [...set.scopes].sort() : request.scopes,
      audience: request.audience,
      expiresAt,
    };
  }
}

const lives = (expiresAt: Date, minLifetimeMs: number) => expiresAt.getTime() - Date.now() >= Math.max(minLifetimeMs, 1000);

function issued(entry: CachedAccessToken, request: ResolvedRequest, cached: boolean): IssuedToken {
  return { accessToken: entry.accessToken, tokenType: entry.tokenType, expiresAt: entry.expiresAt, scopes: entry.scopes, audience: entry.audience, provider: request.provider, group: request.group, cached };
}
