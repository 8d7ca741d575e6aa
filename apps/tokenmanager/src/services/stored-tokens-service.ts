import type { RegistryConfig } from '@tessera/config';
import { AbortedError, InvalidArgumentError, NotFoundError, PermissionDeniedError } from '@tessera/rpc';
import type { Actor, StoredToken, StoredTokenWithSecrets, TokenSecrets } from '../storage/model.js';
import type { TokenDb, TokenStores } from '../storage/stores.js';
import type { AccessTokenFront } from './access-token-front.js';
import { jwtExpiry, jwtKeyId } from './token-times.js';

/** What UpdateToken is asked to store (the rpc layer's parse of UpdateTokenRequest). */
export interface TokenToStore {
  userId: string;
  provider: string;
  subject: string;
  clientId: string;
  secrets: TokenSecrets;
  tokenType: string;
  scopes: readonly string[];
  issuedAt: Date | undefined;
  expiresAt: Date | undefined;
  refreshExpiresAt: Date | undefined;
  /** From the login's ID token, when the caller has it: cross-checked, not stored. */
  claims: { iss?: unknown; sub?: unknown } | undefined;
  defaultRefreshLifetimeMs: number | undefined;
  etag: string;
}

export interface StoreOutcome {
  token: StoredToken;
  supersededCount: number;
  keptStored: boolean;
}

export interface RequestContext {
  actor: Actor;
  requestId: string;
  /** The calling service's address (the end user's when a trusted service reports it). */
  ipAddress?: string;
}

/** The opaque row version UpdateToken's etag compares. */
export const etagOf = (token: Pick<StoredToken, 'tokenId' | 'version'>) => Buffer.from(`${token.tokenId}:${token.version}`).toString('base64url');

const live = (token: StoredToken, now: Date) => token.revokedAt === undefined && token.refreshExpiresAt > now;
const strictSubset = (a: readonly string[], b: readonly string[]) => a.length < b.length && a.every((s) => b.includes(s));

/**
 * The stored IdP tokens (DIRAC's TokenDB.updateToken and friends, with their defects fixed): one
 * token per user and provider, written and replaced under the row's lock, the replaced one revoked
 * at the IdP through the outbox in the same transaction, every change in the history.
 */
export class StoredTokensService {
  constructor(
    private readonly db: TokenDb,
    private readonly registry: RegistryConfig,
    private readonly issuers: ReadonlyMap<string, string>,
    private readonly defaultRefreshLifetimeMs: number,
    private readonly front: AccessTokenFront,
  ) {}

  async update(request: TokenToStore, context: RequestContext): Promise<StoreOutcome> {
    this.#checkIdentity(request);
    const now = new Date();
    if (request.secrets.refreshToken === '') throw new InvalidArgumentError('token_set.refresh_token is required: without a refresh token there is nothing to keep');
    const refreshExpiresAt =
      request.refreshExpiresAt ?? jwtExpiry(request.secrets.refreshToken) ?? new Date(now.getTime() + (request.defaultRefreshLifetimeMs ?? this.defaultRefreshLifetimeMs));
    if (refreshExpiresAt <= now) throw new InvalidArgumentError(`token_set.refresh_token expired at ${refreshExpiresAt.toISOString()}: the user must log in again`);
    const scopes = [...new Set(request.scopes)].sort();
    const event = { userId: request.userId, provider: request.provider, actor: context.actor, requestId: context.requestId, ipAddress: context.ipAddress ?? '', scopes };

    const outcome = await this.db.transaction(async (stores) => {
      // The row's lock: a refresh of the same user and provider waits for this to commit.
      const current = await stores.tokens.current(request.userId, request.provider, { forUpdate: true });
      if (request.etag !== '' && (current === undefined || etagOf(current) !== request.etag)) {
        throw new AbortedError('the stored token changed since its etag was read: read it again and retry');
      }
      // An IdP may leave `scope` out (RFC 6749 §5.1): no scopes means unknown, never narrower. The
      // same refresh token sent again is the stored one, which must not be revoked.
      const sameToken = current?.secrets.refreshToken === request.secrets.refreshToken;
      if (current && !current.undecryptable && !sameToken && scopes.length > 0 && live(current, now) && strictSubset(scopes, current.scopes)) {
        // DIRAC keeps "the one with the maximum possible permissions": the new one is retired.
        await this.#queueRevocation(stores, { ...request, ...request.secrets }, 'narrower than the stored token, which was kept', event);
        return { token: current, supersededCount: 0, keptStored: true };
      }
      const stored = await stores.tokens.put({
        userId: request.userId,
        provider: request.provider,
        subject: request.subject,
        secrets: request.secrets,
        scopes,
        tokenType: request.tokenType || 'Bearer',
        clientId: request.clientId,
        issuedAt: request.issuedAt ?? now,
        expiresAt: request.expiresAt ?? (request.secrets.accessToken ? jwtExpiry(request.secrets.accessToken) : undefined),
        refreshExpiresAt,
        signingKeyId: request.secrets.accessToken ? jwtKeyId(request.secrets.accessToken) : '',
      });
      await stores.history.record({ ...event, action: 'stored' });
      let supersededCount = 0;
      if (current && !sameToken) {
        supersededCount = 1;
        // Access tokens of the old grant die with its revocation.
        await stores.cache.forget(request.userId, request.provider);
        if (current.undecryptable) {
          // Its key left the keyring: it cannot be revoked, only replaced (the audit reports such rows).
          await stores.history.record({ ...event, action: 'superseded', scopes: current.scopes, detail: `replaced ${current.tokenId}, which could not be decrypted (key ${current.encryptionKeyId})` });
        } else {
          await stores.history.record({ ...event, action: 'superseded', scopes: current.scopes, detail: `replaced ${current.tokenId}` });
          await this.#queueRevocation(stores, { ...current, ...current.secrets }, `superseded by ${stored.tokenId}`, event);
        }
      }
      return { token: stored, supersededCount, keptStored: false };
    });
    if (outcome.supersededCount > 0) this.front.forget(request.userId, request.provider);
    return outcome;
  }

  /** Deletes a user's tokens (one provider or all); idempotent. */
  async delete(request: { userId: string; provider: string; revokeUpstream: boolean; reason: string }, context: RequestContext): Promise<{ deleted: number; revocationsQueued: number }> {
    if (request.userId === '') throw new InvalidArgumentError('user_id is required');
    if (request.reason.length > 256) throw new InvalidArgumentError('reason must be at most 256 characters');
    const outcome = await this.db.transaction(async (stores) => {
      const removed = await stores.tokens.remove(request.userId, request.provider || undefined);
      await stores.cache.forget(request.userId, request.provider || undefined);
      let revocationsQueued = 0;
      for (const token of removed) {
        const event = { userId: token.userId, provider: token.provider, actor: context.actor, requestId: context.requestId, ipAddress: context.ipAddress ?? '', scopes: token.scopes };
        await stores.history.record({ ...event, action: 'deleted', detail: token.undecryptable ? `${request.reason} (could not be decrypted, so not revoked)` : request.reason });
        if (request.revokeUpstream && !token.undecryptable) {
          await this.#queueRevocation(stores, { ...token, ...token.secrets }, request.reason || 'deleted', event);
          revocationsQueued++;
        }
      }
      return { deleted: removed.length, revocationsQueued };
    });
    this.front.forget(request.userId, request.provider || undefined);
    return outcome;
  }

  ofUser(userId: string): Promise<StoredToken[]> {
    return this.db.transaction((stores) => stores.tokens.ofUser(userId));
  }

  page(userIds: readonly string[], after: { userId: string; provider: string } | undefined, limit: number): Promise<StoredToken[]> {
    return this.db.transaction((stores) => stores.tokens.page(userIds, { after, limit }));
  }

  /** The refresh token goes to the outbox: revoking it ends the grant, access tokens included,
   * at the IdPs Tessera supports (RFC 7009 §2.1). */
  async #queueRevocation(
    stores: TokenStores,
    token: Pick<StoredTokenWithSecrets, 'userId' | 'provider' | 'clientId'> & TokenSecrets,
    why: string,
    event: { userId: string; provider: string; actor: Actor; requestId: string; ipAddress: string; scopes: readonly string[] },
  ): Promise<void> {
    await stores.outbox.enqueue({ userId: token.userId, provider: token.provider, clientId: token.clientId, tokenTypeHint: 'refresh_token', token: token.refreshToken });
    await stores.history.record({ ...event, action: 'revocation_queued', detail: why });
  }

  #checkIdentity(request: TokenToStore): void {
    const user = this.registry.users[request.userId];
    if (!user) throw new NotFoundError(`no user ${JSON.stringify(request.userId)} in the registry`);
    if (!this.issuers.has(request.provider)) throw new InvalidArgumentError(`no identity provider named ${JSON.stringify(request.provider)}`);
    const expected = user.subjects[request.provider];
    if (expected === undefined || expected !== request.subject) {
      throw new PermissionDeniedError(`the token's subject is not ${request.userId}'s at ${request.provider}`);
    }
    const claims = request.claims;
    if (claims?.sub !== undefined && claims.sub !== request.subject) throw new PermissionDeniedError('the ID token claims name another subject');
    if (claims?.iss !== undefined && claims.iss !== this.issuers.get(request.provider)) throw new PermissionDeniedError(`the ID token claims name another issuer than ${request.provider}`);
  }
}
