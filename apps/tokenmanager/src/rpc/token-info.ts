import type { MessageInitShape } from '@bufbuild/protobuf';
import { timestampFromDate, type Timestamp } from '@bufbuild/protobuf/wkt';
import { tokenmanagerV1 } from '@tessera/contracts';
import { etagOf } from '../services/stored-tokens-service.js';
import type { HistoryAction, HistoryEvent, StoredToken } from '../storage/model.js';

const optional = <K extends string>(key: K, date: Date | undefined) => (date ? { [key]: timestampFromDate(date) } : {}) as Partial<Record<K, Timestamp>>;

/** A stored token's metadata as the contract's TokenInfo: never a secret. */
export function tokenInfo(token: StoredToken): MessageInitShape<typeof tokenmanagerV1.TokenInfoSchema> {
  return {
    tokenId: token.tokenId,
    userId: token.userId,
    provider: token.provider,
    subject: token.subject,
    scopes: [...token.scopes],
    tokenType: token.tokenType,
    clientId: token.clientId,
    issuedAt: timestampFromDate(token.issuedAt),
    ...optional('expiresAt', token.expiresAt),
    refreshExpiresAt: timestampFromDate(token.refreshExpiresAt),
    ...optional('revokedAt', token.revokedAt),
    encryptionKeyId: token.encryptionKeyId,
    signingKeyId: token.signingKeyId,
    etag: etagOf(token),
    ...optional('lastUsedAt', token.lastUsedAt),
    updatedAt: timestampFromDate(token.updatedAt),
  };
}

const { TokenHistoryAction, ActorKind } = tokenmanagerV1;
const ACTIONS: Record<HistoryAction, tokenmanagerV1.TokenHistoryAction> = {
  stored: TokenHistoryAction.STORED,
  superseded: TokenHistoryAction.SUPERSEDED,
  issued: TokenHistoryAction.ISSUED,
  refreshed: TokenHistoryAction.REFRESHED,
  rotated: TokenHistoryAction.ROTATED,
  exchanged: TokenHistoryAction.EXCHANGED,
  refresh_failed: TokenHistoryAction.REFRESH_FAILED,
  deleted: TokenHistoryAction.DELETED,
  revocation_queued: TokenHistoryAction.REVOCATION_QUEUED,
  revoked_upstream: TokenHistoryAction.REVOKED_UPSTREAM,
  revocation_failed: TokenHistoryAction.REVOCATION_FAILED,
  expired: TokenHistoryAction.EXPIRED,
  audit_fixed: TokenHistoryAction.AUDIT_FIXED,
};

/** The history action a filter value names; undefined for UNSPECIFIED or an unknown number. */
export function historyActionOf(value: tokenmanagerV1.TokenHistoryAction): HistoryAction | undefined {
  return (Object.keys(ACTIONS) as HistoryAction[]).find((k) => ACTIONS[k] === value);
}

export function historyEvent(event: HistoryEvent): MessageInitShape<typeof tokenmanagerV1.TokenHistoryEventSchema> {
  return {
    eventId: event.eventId,
    occurredAt: timestampFromDate(event.occurredAt),
    action: ACTIONS[event.action],
    userId: event.userId,
    provider: event.provider,
    actor: {
      kind: event.actor.kind === 'service' ? ActorKind.SERVICE : event.actor.kind === 'user' ? ActorKind.USER : ActorKind.SYSTEM,
      id: event.actor.id,
      viaService: event.actor.viaService ?? '',
    },
    ipAddress: event.ipAddress,
    group: event.group,
    scopes: [...event.scopes],
    detail: event.detail,
    requestId: event.requestId,
  };
}
