import { EntitySchema } from 'typeorm';
import { epochMillis, scopeList } from './columns.js';

// Rows as TypeORM sees them; they never leave storage/typeorm (STYLE §1). Every column has an
// explicit type: tsx emits no decorator metadata, and MariaDB and SQLite must agree.

export interface IdpTokenRow {
  id?: number;
  tokenId: string;
  userId: string;
  provider: string;
  subject: string;
  /** Sealed (token-cipher.ts); '' when the IdP gave no access token. */
  accessToken: string;
  /** Sealed. */
  refreshToken: string;
  encryptionKeyId: string;
  scopes: string[];
  tokenType: string;
  clientId: string;
  kid: string;
  issuedAt: Date;
  expiresAt: Date | undefined;
  rtExpiresAt: Date;
  accessTokenRevokedAt: Date | undefined;
  refreshTokenRevokedAt: Date | undefined;
  lastUsedAt: Date | undefined;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

const time = (name: string, nullable = false) => ({ type: 'bigint' as const, name, nullable, transformer: epochMillis });

/** DIRAC's TokenDB columns (user_id, provider, access_token, refresh_token, expires_at,
 * rt_expires_at, scope, token_type, client_id, issued_at, revocation times, kid) plus the
 * encryption key id, a row version and timestamps. One row per user and provider. */
export const IdpTokenEntity = new EntitySchema<IdpTokenRow>({
  name: 'IdpToken',
  tableName: 'idp_tokens',
  columns: {
    id: { type: 'integer', primary: true, generated: 'increment' },
    tokenId: { type: 'varchar', length: 40, name: 'token_id' },
    userId: { type: 'varchar', length: 128, name: 'user_id' },
    provider: { type: 'varchar', length: 128 },
    subject: { type: 'varchar', length: 255 },
    accessToken: { type: 'text', name: 'access_token' },
    refreshToken: { type: 'text', name: 'refresh_token' },
    encryptionKeyId: { type: 'varchar', length: 64, name: 'encryption_key_id' },
    scopes: { type: 'text', name: 'scope', transformer: scopeList },
    tokenType: { type: 'varchar', length: 32, name: 'token_type' },
    clientId: { type: 'varchar', length: 255, name: 'client_id' },
    kid: { type: 'varchar', length: 255 },
    issuedAt: time('issued_at'),
    expiresAt: time('expires_at', true),
    rtExpiresAt: time('rt_expires_at'),
    accessTokenRevokedAt: time('access_token_revoked_at', true),
    refreshTokenRevokedAt: time('refresh_token_revoked_at', true),
    lastUsedAt: time('last_used_at', true),
    version: { type: 'integer' },
    createdAt: time('created_at'),
    updatedAt: time('updated_at'),
  },
  uniques: [
    { name: 'uq_idp_tokens_token_id', columns: ['tokenId'] },
    { name: 'uq_idp_tokens_user_provider', columns: ['userId', 'provider'] },
  ],
});

export interface TokenHistoryRow {
  id?: number;
  eventId: string;
  occurredAt: Date;
  action: string;
  userId: string;
  provider: string;
  actorKind: string;
  actorId: string;
  viaService: string;
  ipAddress: string;
  groupName: string;
  scopes: string[];
  detail: string;
  requestId: string;
}

export const TokenHistoryEntity = new EntitySchema<TokenHistoryRow>({
  name: 'TokenHistory',
  tableName: 'token_history',
  columns: {
    id: { type: 'integer', primary: true, generated: 'increment' },
    eventId: { type: 'varchar', length: 40, name: 'event_id' },
    occurredAt: time('occurred_at'),
    action: { type: 'varchar', length: 32 },
    userId: { type: 'varchar', length: 128, name: 'user_id' },
    provider: { type: 'varchar', length: 128 },
    actorKind: { type: 'varchar', length: 16, name: 'actor_kind' },
    actorId: { type: 'varchar', length: 255, name: 'actor_id' },
    viaService: { type: 'varchar', length: 255, name: 'via_service' },
    ipAddress: { type: 'varchar', length: 64, name: 'ip_address' },
    groupName: { type: 'varchar', length: 128, name: 'group_name' },
    scopes: { type: 'text', name: 'scope', transformer: scopeList },
    detail: { type: 'varchar', length: 512 },
    requestId: { type: 'varchar', length: 128, name: 'request_id' },
  },
  uniques: [{ name: 'uq_token_history_event_id', columns: ['eventId'] }],
  indices: [
    { name: 'ix_token_history_user_time', columns: ['userId', 'occurredAt'] },
    { name: 'ix_token_history_time', columns: ['occurredAt'] },
  ],
});

export interface RevocationRow {
  id?: number;
  entryId: string;
  userId: string;
  provider: string;
  clientId: string;
  tokenTypeHint: string;
  /** Sealed. */
  token: string;
  encryptionKeyId: string;
  attempts: number;
  nextAttemptAt: Date;
  lastError: string;
  createdAt: Date;
}

export const RevocationEntity = new EntitySchema<RevocationRow>({
  name: 'Revocation',
  tableName: 'revocation_outbox',
  columns: {
    id: { type: 'integer', primary: true, generated: 'increment' },
    entryId: { type: 'varchar', length: 40, name: 'entry_id' },
    userId: { type: 'varchar', length: 128, name: 'user_id' },
    provider: { type: 'varchar', length: 128 },
    clientId: { type: 'varchar', length: 255, name: 'client_id' },
    tokenTypeHint: { type: 'varchar', length: 16, name: 'token_type_hint' },
    token: { type: 'text' },
    encryptionKeyId: { type: 'varchar', length: 64, name: 'encryption_key_id' },
    attempts: { type: 'integer' },
    nextAttemptAt: time('next_attempt_at'),
    lastError: { type: 'varchar', length: 255, name: 'last_error' },
    createdAt: time('created_at'),
  },
  uniques: [{ name: 'uq_revocation_outbox_entry_id', columns: ['entryId'] }],
  indices: [{ name: 'ix_revocation_outbox_next', columns: ['nextAttemptAt'] }],
});

export interface CachedAccessTokenRow {
  id?: number;
  /** '' for a VO's client token (client credentials). */
  userId: string;
  provider: string;
  /** SHA-256 of the sorted scopes and the audience: one entry per distinct request. */
  cacheKey: string;
  /** Sealed. */
  accessToken: string;
  encryptionKeyId: string;
  tokenType: string;
  scopes: string[];
  audience: string;
  expiresAt: Date;
  createdAt: Date;
}

/** The shared access-token cache: what one replica obtained, every replica serves. */
export const CachedAccessTokenEntity = new EntitySchema<CachedAccessTokenRow>({
  name: 'CachedAccessToken',
  tableName: 'access_token_cache',
  columns: {
    id: { type: 'integer', primary: true, generated: 'increment' },
    userId: { type: 'varchar', length: 128, name: 'user_id' },
    provider: { type: 'varchar', length: 128 },
    cacheKey: { type: 'varchar', length: 64, name: 'cache_key' },
    accessToken: { type: 'text', name: 'access_token' },
    encryptionKeyId: { type: 'varchar', length: 64, name: 'encryption_key_id' },
    tokenType: { type: 'varchar', length: 32, name: 'token_type' },
    scopes: { type: 'text', name: 'scope', transformer: scopeList },
    audience: { type: 'varchar', length: 512 },
    expiresAt: time('expires_at'),
    createdAt: time('created_at'),
  },
  uniques: [{ name: 'uq_access_token_cache_entry', columns: ['userId', 'provider', 'cacheKey'] }],
  indices: [{ name: 'ix_access_token_cache_expiry', columns: ['expiresAt'] }],
});

export const ENTITIES = [IdpTokenEntity, TokenHistoryEntity, RevocationEntity, CachedAccessTokenEntity];
