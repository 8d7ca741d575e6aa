import { isDuplicateKey } from '@tessera/database';
import { LessThan, type EntityManager } from 'typeorm';
import type { AuthorizationFlow, AuthorizationFlowChange, AuthorizationFlowStage, LoginPurpose, NewAuthorizationFlow } from '../model.js';
import { DuplicateKeyError, type AuthorizationFlows } from '../stores.js';
import { deleteExpired } from './delete-expired.js';
import { AuthorizationFlowEntity, type AuthorizationFlowRow } from './entities.js';
import { lockedIf } from './row-lock.js';
import { identityColumns, identityOf, orUndefined, originColumns, originOf } from './row-parts.js';

type PurposeColumns = Pick<AuthorizationFlowRow, 'purposeKind' | 'deviceFlowId' | 'clientId' | 'redirectUri' | 'clientState' | 'codeChallenge' | 'nonce'>;

function purposeColumns(purpose: LoginPurpose): PurposeColumns {
  if (purpose.kind === 'device') return { purposeKind: 'device', deviceFlowId: purpose.deviceFlowId, clientId: null, redirectUri: null, clientState: null, codeChallenge: null, nonce: null };
  return { purposeKind: 'code', deviceFlowId: null, clientId: purpose.clientId, redirectUri: purpose.redirectUri, clientState: purpose.state ?? null, codeChallenge: purpose.codeChallenge ?? null, nonce: purpose.nonce ?? null };
}

function purposeOf(row: AuthorizationFlowRow): LoginPurpose {
  if (row.purposeKind === 'device') return { kind: 'device', deviceFlowId: row.deviceFlowId ?? '' };
  return { kind: 'code', clientId: row.clientId ?? '', redirectUri: row.redirectUri ?? '', state: orUndefined(row.clientState), codeChallenge: orUndefined(row.codeChallenge), nonce: orUndefined(row.nonce) };
}

function toAuthorizationFlow(row: AuthorizationFlowRow): AuthorizationFlow {
  return {
    id: row.id,
    purpose: purposeOf(row),
    scopes: row.scopes,
    stage: row.stage as AuthorizationFlowStage,
    browserBindingHash: row.browserBindingHash,
    provider: orUndefined(row.provider),
    idpState: orUndefined(row.idpState),
    sealedState: row.sealedState,
    userId: orUndefined(row.userId),
    providerSubject: orUndefined(row.providerSubject),
    candidateGroups: row.candidateGroups,
    identity: identityOf(row),
    codeHash: orUndefined(row.codeHash),
    codeExpiresAt: orUndefined(row.codeExpiresAt),
    sessionId: orUndefined(row.sessionId),
    origin: originOf(row),
    createdAt: row.createdAt,
    expiresAt: row.expiresAt,
  };
}

/** The columns a change sets; what it leaves undefined stays as it is. The identity, once
 * chosen, sets all five identity columns. */
function changedColumns(change: AuthorizationFlowChange): Partial<AuthorizationFlowRow> {
  const columns: Partial<AuthorizationFlowRow> = {};
  if (change.stage !== undefined) columns.stage = change.stage;
  if (change.provider !== undefined) columns.provider = change.provider;
  if (change.idpState !== undefined) columns.idpState = change.idpState;
  if (change.sealedState !== undefined) columns.sealedState = change.sealedState;
  if (change.userId !== undefined) columns.userId = change.userId;
  if (change.providerSubject !== undefined) columns.providerSubject = change.providerSubject;
  if (change.candidateGroups !== undefined) columns.candidateGroups = [...change.candidateGroups];
  if (change.identity !== undefined) Object.assign(columns, identityColumns(change.identity));
  if (change.codeHash !== undefined) columns.codeHash = change.codeHash;
  if (change.codeExpiresAt !== undefined) columns.codeExpiresAt = change.codeExpiresAt;
  if (change.sessionId !== undefined) columns.sessionId = change.sessionId;
  return columns;
}

/** Changed by whoever holds the row's lock (stores.ts); on SQLite the transactions' queue stands
 * in for the lock. */
export class TypeormAuthorizationFlows implements AuthorizationFlows {
  constructor(
    private readonly manager: EntityManager,
    private readonly canLock: boolean,
  ) {}

  get #repository() {
    return this.manager.getRepository(AuthorizationFlowEntity);
  }

  async create(flow: NewAuthorizationFlow) {
    const row: AuthorizationFlowRow = {
      id: flow.id,
      ...purposeColumns(flow.purpose),
      scopes: [...flow.scopes],
      stage: flow.stage,
      browserBindingHash: flow.browserBindingHash,
      idpState: null,
      sealedState: undefined,
      userId: null,
      group: null,
      vo: null,
      provider: null,
      providerSubject: null,
      candidateGroups: [],
      codeHash: null,
      codeExpiresAt: null,
      sessionId: null,
      ...originColumns(flow.origin),
      createdAt: flow.createdAt,
      expiresAt: flow.expiresAt,
    };
    try {
      await this.#repository.insert(row);
    } catch (error) {
      if (isDuplicateKey(error)) throw new DuplicateKeyError('an authorization flow with this id exists', { cause: error });
      throw error;
    }
    return toAuthorizationFlow(row);
  }

  async byId(id: string, options: { forUpdate?: boolean } = {}) {
    return this.#one('id', id, options);
  }

  async byIdpState(idpState: string, options: { forUpdate?: boolean } = {}) {
    return this.#one('idpState', idpState, options);
  }

  async byCodeHash(codeHash: string, options: { forUpdate?: boolean } = {}) {
    return this.#one('codeHash', codeHash, options);
  }

  async #one(column: 'id' | 'idpState' | 'codeHash', value: string, options: { forUpdate?: boolean }) {
    const query = this.#repository.createQueryBuilder('f').where(`f.${column} = :value`, { value });
    const row = await lockedIf(query, this.manager, this.canLock, options.forUpdate).getOne();
    return row ? toAuthorizationFlow(row) : undefined;
  }

  async change(id: string, change: AuthorizationFlowChange) {
    const columns = changedColumns(change);
    if (Object.keys(columns).length === 0) return;
    try {
      await this.#repository.update({ id }, columns);
    } catch (error) {
      if (isDuplicateKey(error)) throw new DuplicateKeyError('another authorization flow has this IdP state or code', { cause: error });
      throw error;
    }
  }

  async deleteExpired(before: Date, limit: number) {
    const { deleted } = await deleteExpired(this.manager, AuthorizationFlowEntity, 'id', { where: [{ expiresAt: LessThan(before) }], order: { expiresAt: 'ASC' }, limit });
    return deleted;
  }
}
