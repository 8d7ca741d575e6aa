/**
 * TokenDB's domain types: what storage hands to services. Database rows never leave storage.
 * Times are Dates; scopes are sorted and unique.
 */

/** One stored IdP token set: one per user and provider (DIRAC's TokenDB row). */
export interface StoredToken {
  /** Opaque id, new whenever the stored token is replaced. */
  readonly tokenId: string;
  readonly userId: string;
  readonly provider: string;
  readonly subject: string;
  readonly scopes: readonly string[];
  readonly tokenType: string;
  readonly clientId: string;
  readonly issuedAt: Date;
  readonly expiresAt: Date | undefined;
  readonly refreshExpiresAt: Date;
  readonly revokedAt: Date | undefined;
  readonly encryptionKeyId: string;
  /** `kid` of the IdP's access token when it is a JWT. */
  readonly signingKeyId: string;
  /** Row version, +1 on every write; the etag is derived from it and the token id. */
  readonly version: number;
  readonly lastUsedAt: Date | undefined;
  readonly updatedAt: Date;
}

/** The secrets of a stored token, decrypted. Never logged, never put in an error. */
export interface TokenSecrets {
  readonly accessToken: string;
  readonly refreshToken: string;
}

export type StoredTokenWithSecrets = StoredToken & {
  readonly secrets: TokenSecrets;
  /** True when the row's secrets could not be decrypted (its key left the keyring): the secrets
   * are then empty, and the token can only be replaced or deleted. */
  readonly undecryptable?: boolean;
};

/** What UpdateToken stores. */
export type NewStoredToken = Omit<StoredToken, 'tokenId' | 'version' | 'encryptionKeyId' | 'revokedAt' | 'lastUsedAt' | 'updatedAt'> & {
  readonly secrets: TokenSecrets;
};

export type ActorKind = 'service' | 'user' | 'system';

export interface Actor {
  readonly kind: ActorKind;
  readonly id: string;
  readonly viaService?: string;
}

export const HISTORY_ACTIONS = [
  'stored',
  'superseded',
  'issued',
  'refreshed',
  'rotated',
  'exchanged',
  'refresh_failed',
  'deleted',
  'revocation_queued',
  'revoked_upstream',
  'revocation_failed',
  'expired',
  'audit_fixed',
] as const;
export type HistoryAction = (typeof HISTORY_ACTIONS)[number];

/** One TokenHistoryEvent. `detail` is for people and never holds a secret. */
export interface HistoryEvent {
  readonly eventId: string;
  readonly occurredAt: Date;
  readonly action: HistoryAction;
  readonly userId: string;
  readonly provider: string;
  readonly actor: Actor;
  readonly ipAddress: string;
  readonly group: string;
  readonly scopes: readonly string[];
  readonly detail: string;
  readonly requestId: string;
}

export type NewHistoryEvent = Omit<HistoryEvent, 'eventId' | 'occurredAt' | 'group' | 'scopes' | 'detail' | 'ipAddress' | 'requestId'> &
  Partial<Pick<HistoryEvent, 'group' | 'scopes' | 'detail' | 'ipAddress' | 'requestId'>>;

export interface HistoryFilter {
  readonly userId?: string;
  readonly provider?: string;
  readonly actions?: readonly HistoryAction[];
  readonly from?: Date;
  readonly until?: Date;
}

/** A revocation at an IdP still to be done (the outbox). */
export interface PendingRevocation {
  readonly id: string;
  readonly userId: string;
  readonly provider: string;
  readonly clientId: string;
  readonly tokenTypeHint: 'refresh_token' | 'access_token';
  readonly token: string;
  readonly attempts: number;
  readonly nextAttemptAt: Date;
  readonly createdAt: Date;
}

export type NewRevocation = Pick<PendingRevocation, 'userId' | 'provider' | 'clientId' | 'tokenTypeHint' | 'token'>;

/** A page position: the sort key of the last item of the previous page. */
export interface After<K> {
  readonly after?: K;
  readonly limit: number;
}

/** An access token in the shared cache (one per user, provider, scopes and audience). */
export interface CachedAccessToken {
  /** '' for a VO's client token. */
  readonly userId: string;
  readonly provider: string;
  readonly cacheKey: string;
  readonly accessToken: string;
  readonly tokenType: string;
  readonly scopes: readonly string[];
  readonly audience: string;
  readonly expiresAt: Date;
}

/** What a refresh changes on the stored token: a rotated refresh token, when it was last used,
 * or that the IdP rejected the grant. */
export interface StoredTokenChange {
  readonly refreshToken?: string;
  readonly refreshExpiresAt?: Date;
  readonly revokedAt?: Date;
  readonly lastUsedAt?: Date;
}
