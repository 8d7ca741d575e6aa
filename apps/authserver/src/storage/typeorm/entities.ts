import { EntitySchema } from 'typeorm';
import { bytes, jsonList, time } from './columns.js';

// Rows as TypeORM sees them; they never leave storage/typeorm (STYLE §1). Every column has an
// explicit type: tsx emits no decorator metadata, and MariaDB and SQLite must agree. Nullable
// columns read back as null, hence `| null` where the domain says undefined.

const id = (name: string, options: { primary?: boolean; nullable?: boolean } = {}) => ({ type: 'varchar' as const, length: 64, name, ...options });
const text = (name: string, length: number, nullable = false) => ({ type: 'varchar' as const, length, name, nullable });
/** Who a login established: the same five columns wherever an identity is kept. */
const identityColumns = (nullable: boolean) => ({
  userId: text('user_id', 128, nullable),
  group: text('grp', 128, nullable),
  vo: text('vo', 128, nullable),
  provider: text('provider', 128, nullable),
  providerSubject: text('provider_subject', 255, nullable),
});
const originColumns = { ipAddress: text('ip_address', 64), userAgent: text('user_agent', 256) };

interface IdentityRow<N> {
  userId: string | N;
  group: string | N;
  vo: string | N;
  provider: string | N;
  providerSubject: string | N;
}

interface OriginRow {
  ipAddress: string;
  userAgent: string;
}

export interface DeviceFlowRow extends IdentityRow<null>, OriginRow {
  id: string;
  deviceCodeHash: string;
  userCode: string;
  clientId: string;
  scopes: string[];
  state: string;
  intervalSeconds: number;
  lastPolledAt: Date | null;
  createdAt: Date;
  expiresAt: Date;
  grantedScopes: string[] | undefined;
  denial: string | null;
}

export const DeviceFlowEntity = new EntitySchema<DeviceFlowRow>({
  name: 'DeviceFlow',
  tableName: 'device_flows',
  columns: {
    id: id('id', { primary: true }),
    deviceCodeHash: id('device_code_hash'),
    userCode: text('user_code', 16),
    clientId: text('client_id', 255),
    scopes: { type: 'text', name: 'scopes', transformer: jsonList },
    state: text('state', 16),
    intervalSeconds: { type: 'integer', name: 'interval_seconds' },
    lastPolledAt: time('last_polled_at', true),
    ...originColumns,
    createdAt: time('created_at'),
    expiresAt: time('expires_at'),
    ...identityColumns(true),
    grantedScopes: { type: 'text', name: 'granted_scopes', nullable: true, transformer: jsonList },
    denial: text('denial', 256, true),
  },
  uniques: [
    { name: 'uq_device_flows_device_code_hash', columns: ['deviceCodeHash'] },
    { name: 'uq_device_flows_user_code', columns: ['userCode'] },
  ],
  indices: [{ name: 'ix_device_flows_expiry', columns: ['expiresAt'] }],
});

export interface AuthorizationFlowRow extends IdentityRow<null>, OriginRow {
  id: string;
  purposeKind: string;
  deviceFlowId: string | null;
  clientId: string | null;
  redirectUri: string | null;
  clientState: string | null;
  codeChallenge: string | null;
  nonce: string | null;
  scopes: string[];
  stage: string;
  browserBindingHash: string;
  idpState: string | null;
  sealedState: Uint8Array | undefined;
  candidateGroups: string[];
  codeHash: string | null;
  codeExpiresAt: Date | null;
  sessionId: string | null;
  createdAt: Date;
  expiresAt: Date;
}

/** A browser login. `provider`, `user_id` and `provider_subject` are filled in as the login goes;
 * `grp` and `vo` once the identity is chosen. */
export const AuthorizationFlowEntity = new EntitySchema<AuthorizationFlowRow>({
  name: 'AuthorizationFlow',
  tableName: 'authorization_flows',
  columns: {
    id: id('id', { primary: true }),
    purposeKind: text('purpose_kind', 8),
    deviceFlowId: id('device_flow_id', { nullable: true }),
    clientId: text('client_id', 255, true),
    redirectUri: { type: 'text', name: 'redirect_uri', nullable: true },
    clientState: { type: 'text', name: 'client_state', nullable: true },
    codeChallenge: text('code_challenge', 128, true),
    nonce: { type: 'text', name: 'nonce', nullable: true },
    scopes: { type: 'text', name: 'scopes', transformer: jsonList },
    stage: text('stage', 16),
    browserBindingHash: id('browser_binding_hash'),
    idpState: text('idp_state', 255, true),
    sealedState: { type: 'blob', name: 'sealed_state', nullable: true, transformer: bytes },
    ...identityColumns(true),
    candidateGroups: { type: 'text', name: 'candidate_groups', transformer: jsonList },
    codeHash: id('code_hash', { nullable: true }),
    codeExpiresAt: time('code_expires_at', true),
    sessionId: id('session_id', { nullable: true }),
    ...originColumns,
    createdAt: time('created_at'),
    expiresAt: time('expires_at'),
  },
  uniques: [
    { name: 'uq_authorization_flows_idp_state', columns: ['idpState'] },
    { name: 'uq_authorization_flows_code_hash', columns: ['codeHash'] },
  ],
  indices: [{ name: 'ix_authorization_flows_expiry', columns: ['expiresAt'] }],
});

export interface SessionRow extends IdentityRow<never>, OriginRow {
  id: string;
  clientId: string;
  scopes: string[];
  createdAt: Date;
  expiresAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
  endReason: string | null;
  generation: number;
}

export const SessionEntity = new EntitySchema<SessionRow>({
  name: 'Session',
  tableName: 'sessions',
  columns: {
    id: id('id', { primary: true }),
    clientId: text('client_id', 255),
    ...identityColumns(false),
    scopes: { type: 'text', name: 'scopes', transformer: jsonList },
    createdAt: time('created_at'),
    expiresAt: time('expires_at'),
    lastUsedAt: time('last_used_at', true),
    revokedAt: time('revoked_at', true),
    endReason: text('end_reason', 16, true),
    ...originColumns,
    generation: { type: 'integer', name: 'generation' },
  },
  indices: [
    { name: 'ix_sessions_user', columns: ['userId', 'createdAt', 'id'] },
    { name: 'ix_sessions_expiry', columns: ['expiresAt'] },
  ],
});

export interface RefreshTokenRow {
  tokenHash: string;
  sessionId: string;
  generation: number;
  issuedAt: Date;
  rotatedAt: Date | null;
}

export const RefreshTokenEntity = new EntitySchema<RefreshTokenRow>({
  name: 'RefreshToken',
  tableName: 'refresh_tokens',
  columns: {
    tokenHash: id('token_hash', { primary: true }),
    sessionId: id('session_id'),
    generation: { type: 'integer', name: 'generation' },
    issuedAt: time('issued_at'),
    rotatedAt: time('rotated_at', true),
  },
  indices: [{ name: 'ix_refresh_tokens_session', columns: ['sessionId'] }],
});

export const ENTITIES = [DeviceFlowEntity, AuthorizationFlowEntity, SessionEntity, RefreshTokenEntity];
