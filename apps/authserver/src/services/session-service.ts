import type { AuthDb, AuthStores } from '../storage/stores.js';
import type { After, LoginIdentity, Origin, RefreshTokenRecord, Session, SessionEnd } from '../storage/model.js';
import { InvalidGrant } from '../oauth/errors.js';
import { newId, newSecret, secretHash } from './secrets.js';

export interface SessionPolicy {
  /** Absolute lifetime of a session. */
  readonly sessionLifetime: number;
  /** A rotated token presented again within this time rotates again (a lost response). */
  readonly refreshTokenReuseGrace: number;
  readonly clock?: () => Date;
}

/** A session with the refresh token just issued for it. */
export interface IssuedSession {
  readonly session: Session;
  readonly refreshToken: string;
}

/**
 * Sessions: refresh-token families (RFC 9700 §4.14.2). Every refresh rotates the token under the
 * session's row lock; a rotated token that comes back after the grace ends the whole family,
 * because either the client or a thief holds a copy it should not.
 */
export class SessionService {
  readonly #db: AuthDb;
  readonly #policy: SessionPolicy;
  readonly #now: () => Date;

  constructor(db: AuthDb, policy: SessionPolicy) {
    this.#db = db;
    this.#policy = policy;
    this.#now = policy.clock ?? (() => new Date());
  }

  /** Starts a session inside the caller's transaction (a code redemption, a device poll). */
  async start(stores: AuthStores, start: { clientId: string; identity: LoginIdentity; scopes: readonly string[]; origin: Origin }): Promise<IssuedSession> {
    const now = this.#now();
    const refreshToken = newSecret('tsr');
    const session = await stores.sessions.create(
      { id: newId(), ...start, createdAt: now, expiresAt: new Date(now.getTime() + this.#policy.sessionLifetime) },
      { tokenHash: secretHash(refreshToken), issuedAt: now },
    );
    return { session, refreshToken };
  }

  /**
   * Rotates a refresh token of `clientId`. Each refusal is `invalid_grant` (RFC 6749 §5.2); a
   * reuse also ends the session, in its own transaction so the refusal cannot undo it. `check`
   * runs under the lock before anything changes: what it throws refuses the request and leaves
   * the token unspent.
   */
  async rotate(refreshToken: string, clientId: string, check: (session: Session) => Promise<void> | void = () => {}): Promise<IssuedSession> {
    const outcome = await this.#db.transaction(async (stores): Promise<IssuedSession | { reused: string }> => {
      const now = this.#now();
      const record = await stores.sessions.tokenByHash(secretHash(refreshToken), { forUpdate: true });
      if (!record) throw new InvalidGrant('the refresh token is not valid', { detail: 'unknown refresh token' });
      const session = await stores.sessions.byId(record.sessionId, { forUpdate: true });
      if (!session || session.clientId !== clientId) throw new InvalidGrant('the refresh token is not valid', { detail: 'issued to another client' });
      if (session.revokedAt) throw new InvalidGrant('the session has ended; log in again', { detail: `session ended: ${session.endReason}` });
      if (session.expiresAt <= now) throw new InvalidGrant('the session has expired; log in again');
      // The current token is the session's generation; its predecessor, presented again within the
      // grace, means the response with the current one was lost: that one is retired unseen and
      // the generation skips one, so it counts as a reuse if it ever turns up.
      let step = 1;
      let retire = [record.tokenHash];
      if (record.rotatedAt) {
        const lostResponse = record.generation === session.generation - 1 && now.getTime() - record.rotatedAt.getTime() < this.#policy.refreshTokenReuseGrace;
        if (!lostResponse) return { reused: session.id };
        step = 2;
        const unseen = await stores.sessions.currentToken(session.id);
        retire = unseen ? [unseen.tokenHash] : [];
      }
      await check(session);
      const next = newSecret('tsr');
      const generation = session.generation + step;
      await stores.sessions.rotate(session.id, retire, { tokenHash: secretHash(next), issuedAt: now, generation });
      return { session: { ...session, lastUsedAt: now, generation }, refreshToken: next };
    });
    if ('reused' in outcome) {
      await this.end(outcome.reused, 'reuse');
      throw new InvalidGrant('the refresh token was already used; the session has been ended for safety, log in again', { detail: 'refresh token reuse' });
    }
    return outcome;
  }

  /** The session a refresh token belongs to, if the token is one of ours. */
  async ofRefreshToken(refreshToken: string): Promise<Session | undefined> {
    const record = await this.#db.stores.sessions.tokenByHash(secretHash(refreshToken));
    return record && (await this.#db.stores.sessions.byId(record.sessionId));
  }

  /** The record of one of our refresh tokens (current or rotated). */
  async tokenRecord(refreshToken: string): Promise<RefreshTokenRecord | undefined> {
    return this.#db.stores.sessions.tokenByHash(secretHash(refreshToken));
  }

  async byId(id: string): Promise<Session | undefined> {
    return this.#db.stores.sessions.byId(id);
  }

  /** Ends a session; true when it was active until now. */
  async end(sessionId: string, reason: SessionEnd): Promise<boolean> {
    return this.#db.stores.sessions.end(sessionId, reason, this.#now());
  }

  async endAllOfUser(userId: string, reason: SessionEnd): Promise<number> {
    return this.#db.stores.sessions.endAllOfUser(userId, reason, this.#now());
  }

  /** A user's sessions, newest first; `activeOnly` leaves out those ended or expired. */
  async list(userId: string, page: After<{ createdAt: Date; id: string }>, activeOnly: boolean): Promise<Session[]> {
    return this.#db.stores.sessions.ofUser(userId, page, activeOnly ? this.#now() : undefined);
  }

  /** Whether a session can still be used now. */
  isActive(session: Session): boolean {
    return session.revokedAt === undefined && session.expiresAt > this.#now();
  }
}
