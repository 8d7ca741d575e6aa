import { createHash, timingSafeEqual } from 'node:crypto';
import type { OAuthClient } from '../oauth/clients.js';
import { InvalidGrant, InvalidRequest } from '../oauth/errors.js';
import type { AuthorizationFlow } from '../storage/model.js';
import type { AuthDb } from '../storage/stores.js';
import type { IssuedSession, SessionService } from './session-service.js';
import { secretHash } from './secrets.js';

// RFC 7636 §4.1: 43–128 characters of [A-Z a-z 0-9 - . _ ~].
const CODE_VERIFIER = /^[A-Za-z0-9\-._~]{43,128}$/;

/**
 * Redeems authorization codes (RFC 6749 §4.1.3) under the flow's row lock: once only, by the
 * client it was issued to, with the same redirect URI and the PKCE verifier (RFC 7636 §4.6). A
 * code that comes back after it was redeemed ends the session it produced (§4.1.2: the code may
 * have been stolen).
 */
export class AuthorizationCodes {
  readonly #db: AuthDb;
  readonly #sessions: SessionService;
  readonly #now: () => Date;

  constructor(db: AuthDb, sessions: SessionService, clock?: () => Date) {
    this.#db = db;
    this.#sessions = sessions;
    this.#now = clock ?? (() => new Date());
  }

  async redeem(code: string, client: OAuthClient, redirectUri: string | undefined, codeVerifier: string | undefined): Promise<{ flow: AuthorizationFlow; issued: IssuedSession }> {
    const outcome = await this.#db.transaction(async (stores) => {
      const flow = await stores.authorizationFlows.byCodeHash(secretHash(code), { forUpdate: true });
      if (!flow || flow.purpose.kind !== 'code' || flow.purpose.clientId !== client.id) throw new InvalidGrant('the authorization code is not valid');
      if (flow.stage !== 'code-issued') return { replayed: flow.sessionId };
      const purpose = flow.purpose;
      if (flow.codeExpiresAt === undefined || flow.codeExpiresAt <= this.#now()) throw new InvalidGrant('the authorization code has expired');
      if (redirectUri !== purpose.redirectUri) throw new InvalidGrant('redirect_uri differs from the one in the authorization request');
      if (purpose.codeChallenge !== undefined) {
        if (codeVerifier === undefined) throw new InvalidRequest('code_verifier is missing');
        if (!CODE_VERIFIER.test(codeVerifier) || !matches(purpose.codeChallenge, codeVerifier)) throw new InvalidGrant('code_verifier does not match the code_challenge');
      } else if (codeVerifier !== undefined) throw new InvalidGrant('code_verifier given but the authorization request had no code_challenge');
      const issued = await this.#sessions.start(stores, { clientId: client.id, identity: flow.identity!, scopes: flow.scopes, origin: flow.origin });
      await stores.authorizationFlows.change(flow.id, { stage: 'done', sessionId: issued.session.id });
      return { flow, issued };
    });
    if ('replayed' in outcome) {
      if (outcome.replayed) await this.#sessions.end(outcome.replayed, 'code-replay');
      throw new InvalidGrant('the authorization code has already been used; the tokens issued for it are revoked');
    }
    return outcome;
  }
}

function matches(challenge: string, verifier: string): boolean {
  const computed = createHash('sha256').update(verifier, 'ascii').digest();
  const expected = Buffer.from(challenge, 'base64url');
  return expected.length === computed.length && timingSafeEqual(expected, computed);
}
