import type {
  After,
  AuthorizationFlow,
  AuthorizationFlowChange,
  DeviceFlow,
  LoginIdentity,
  NewAuthorizationFlow,
  NewDeviceFlow,
  NewSession,
  PollPace,
  RefreshTokenRecord,
  Session,
  SessionEnd,
} from './model.js';

/** A unique key was taken (e.g. a user code that a live flow already has): the caller may retry
 * with a new value. */
export class DuplicateKeyError extends Error {
  override readonly name = 'DuplicateKeyError';
}

/**
 * Device flows. Who may change one: its state moves only forward, each step a compare-and-set in
 * one statement (`approve`, `deny`, `consume` say whether they won), so two polls or two browser
 * tabs racing cannot both succeed. Polls touch only `lastPolledAt` and `interval`.
 */
export interface DeviceFlows {
  /** Throws DuplicateKeyError when a flow with the same user code exists. */
  create(flow: NewDeviceFlow): Promise<DeviceFlow>;
  byDeviceCodeHash(hash: string): Promise<DeviceFlow | undefined>;
  byUserCode(userCode: string): Promise<DeviceFlow | undefined>;
  byId(id: string): Promise<DeviceFlow | undefined>;
  /**
   * Records a poll at `now` by conditional UPDATEs, never a read-modify-write (a first one that
   * matches only a poll in time, a second that also adds to the interval): `in-time` when the
   * previous poll was at least the flow's interval minus `slackMs` ago (or there was none),
   * otherwise `too-fast`, in which case the interval also grows by 5 s. Returns undefined when
   * there is no such flow.
   */
  recordPoll(id: string, now: Date, slackMs: number): Promise<PollPace | undefined>;
  /** pending → approved with the identity and granted scopes; false when it was not pending or
   * has expired by `now`. */
  approve(id: string, identity: LoginIdentity, grantedScopes: readonly string[], now: Date): Promise<boolean>;
  /** pending → denied, with the reason the device is told; false when it was not pending. */
  deny(id: string, reason: string): Promise<boolean>;
  /** approved → consumed; false when it was not approved (someone else redeemed it). */
  consume(id: string): Promise<boolean>;
  /** Deletes flows that expired before `before`, at most `limit`; returns how many. */
  deleteExpired(before: Date, limit: number): Promise<number>;
  /** Pending flows that have not expired at `now` (a gauge). */
  countPending(now: Date): Promise<number>;
}

/**
 * Browser logins and the authorization codes they issue. A flow is changed by whoever holds its
 * row lock (`byId(…, { forUpdate: true })` inside a transaction; `forUpdate` outside one throws);
 * a code is redeemed under the lock of its flow (`byCodeHash(…, { forUpdate: true })`, then
 * `change` to `done`), so it is single use.
 */
export interface AuthorizationFlows {
  create(flow: NewAuthorizationFlow): Promise<AuthorizationFlow>;
  byId(id: string, options?: { forUpdate?: boolean }): Promise<AuthorizationFlow | undefined>;
  byIdpState(idpState: string, options?: { forUpdate?: boolean }): Promise<AuthorizationFlow | undefined>;
  /** Any flow whose code has this hash, redeemed or not (a replay is found this way too). */
  byCodeHash(codeHash: string, options?: { forUpdate?: boolean }): Promise<AuthorizationFlow | undefined>;
  /** Changes the flow in one statement; call under its row lock. What `change` leaves undefined
   * stays as it is; an `identity` sets the user, provider and subject with the group. Throws
   * DuplicateKeyError when another flow has the IdP state or code hash. */
  change(id: string, change: AuthorizationFlowChange): Promise<void>;
  deleteExpired(before: Date, limit: number): Promise<number>;
}

/**
 * Sessions (refresh-token families) and their refresh tokens, by hash. Rotation happens under the
 * session's row lock (`byId(…, { forUpdate: true })`): the service reads the presented token's
 * record, checks it is the current one, adds the successor and marks the old one rotated, in one
 * transaction.
 */
export interface Sessions {
  create(session: NewSession, firstToken: { tokenHash: string; issuedAt: Date }): Promise<Session>;
  byId(id: string, options?: { forUpdate?: boolean }): Promise<Session | undefined>;
  /** The record of any token of any session, current or rotated. `forUpdate` locks it: a
   * rotation reads the presented token that way first, so that of two refreshes with one token
   * the second waits and then sees it rotated (a plain read could see the snapshot before). */
  tokenByHash(tokenHash: string, options?: { forUpdate?: boolean }): Promise<RefreshTokenRecord | undefined>;
  /** The session's current (not yet rotated) token. */
  currentToken(sessionId: string): Promise<RefreshTokenRecord | undefined>;
  /** Marks the tokens `retire` (by hash) rotated at `next.issuedAt` unless they already are,
   * stores the successor with `next.generation`, which becomes the session's, and the session's
   * last use; call under the session's lock. */
  rotate(sessionId: string, retire: readonly string[], next: { tokenHash: string; issuedAt: Date; generation: number }): Promise<void>;
  /** Ends the session (idempotent: the first end and its reason are kept); true when it was
   * active before. */
  end(sessionId: string, reason: SessionEnd, now: Date): Promise<boolean>;
  /** Ends every active session of a user; returns how many. */
  endAllOfUser(userId: string, reason: SessionEnd, now: Date): Promise<number>;
  /** A user's sessions, newest first (createdAt, id descending), after the given key;
   * `activeAt` set: only those neither ended nor expired at that time. */
  ofUser(userId: string, page: After<{ createdAt: Date; id: string }>, activeAt?: Date): Promise<Session[]>;
  /** Deletes sessions (and their tokens) that expired or ended before `before`. */
  deleteExpired(before: Date, limit: number): Promise<number>;
}

/** Everything a service may touch inside one transaction. */
export interface AuthStores {
  readonly deviceFlows: DeviceFlows;
  readonly authorizationFlows: AuthorizationFlows;
  readonly sessions: Sessions;
}

/**
 * AuthDB. Services own the transaction: `transaction(work)` commits when `work` resolves and
 * rolls back when it throws; storage never commits. A transaction that loses a race (deadlock,
 * lock wait timeout) is run again from the start, a few times; when it keeps losing, or the
 * database cannot be reached, it throws UnavailableError (@tessera/rpc). `stores` outside a
 * transaction runs each call on its own (for single-statement compare-and-sets such as polls);
 * inside `work` use the transaction's stores (on SQLite a call to `db.stores` waits for it).
 */
export interface AuthDb {
  readonly stores: AuthStores;
  transaction<T>(work: (stores: AuthStores) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
