import type { OAuthClient } from '../oauth/clients.js';
import { AccessDenied, AuthorizationPending, ExpiredToken, InvalidGrant, SlowDown } from '../oauth/errors.js';
import type { Scope } from '../oauth/scopes.js';
import type { DeviceFlow, LoginIdentity, Origin } from '../storage/model.js';
import { DuplicateKeyError, type AuthDb } from '../storage/stores.js';
import { PendingPolls } from './pending-polls.js';
import type { IssuedSession, SessionService } from './session-service.js';
import { displayUserCode, newId, newSecret, newUserCode, secretHash } from './secrets.js';

export interface DeviceFlowPolicy {
  readonly issuer: string;
  /** `expires_in`, ms. */
  readonly lifetime: number;
  /** Initial `interval`, ms. */
  readonly interval: number;
  readonly clock?: () => Date;
}

/** RFC 8628 §3.2. */
export interface DeviceAuthorizationResponse {
  device_code: string;
  user_code: string;
  verification_uri: string;
  verification_uri_complete: string;
  expires_in: number;
  interval: number;
}

// A poll a little earlier than the interval still counts as in time: clients time their polls
// from the previous response, so network jitter makes them arrive early. A fifth of the interval,
// at most a second.
const pollSlackMs = (intervalSeconds: number) => Math.min(1000, intervalSeconds * 200);

/**
 * Device authorizations (RFC 8628). The device code is stored only as a hash; each state change
 * is a compare-and-set in AuthDB, so a flow is approved once and its device code redeemed once.
 */
export class DeviceFlowService {
  readonly #db: AuthDb;
  readonly #sessions: SessionService;
  readonly #policy: DeviceFlowPolicy;
  readonly #now: () => Date;
  readonly #pending = new PendingPolls();

  constructor(db: AuthDb, sessions: SessionService, policy: DeviceFlowPolicy) {
    this.#db = db;
    this.#sessions = sessions;
    this.#policy = policy;
    this.#now = policy.clock ?? (() => new Date());
  }

  async authorize(client: OAuthClient, scope: Scope, origin: Origin): Promise<DeviceAuthorizationResponse> {
    const deviceCode = newSecret('tsd');
    const now = this.#now();
    for (let attempt = 0; ; attempt++) {
      const userCode = newUserCode();
      try {
        await this.#db.stores.deviceFlows.create({
          id: newId(),
          deviceCodeHash: secretHash(deviceCode),
          userCode,
          clientId: client.id,
          scopes: scope.tokens,
          interval: Math.ceil(this.#policy.interval / 1000),
          origin,
          createdAt: now,
          expiresAt: new Date(now.getTime() + this.#policy.lifetime),
        });
      } catch (error) {
        // Another live flow has this user code (one in 10^5 with a million live flows): draw again.
        if (error instanceof DuplicateKeyError && attempt < 5) continue;
        throw error;
      }
      const shown = displayUserCode(userCode);
      const verification = `${this.#policy.issuer}/device`;
      return {
        device_code: deviceCode,
        user_code: shown,
        verification_uri: verification,
        verification_uri_complete: `${verification}?user_code=${shown}`,
        expires_in: Math.floor(this.#policy.lifetime / 1000),
        interval: Math.ceil(this.#policy.interval / 1000),
      };
    }
  }

  /**
   * A poll of the token endpoint (RFC 8628 §3.4–3.5): the approved flow's session, or the error
   * that says why not yet or never. A flow this replica saw pending within the last second is
   * answered from memory (PendingPolls), so hammering costs no database round trip.
   */
  async redeem(deviceCode: string, client: OAuthClient): Promise<{ flow: DeviceFlow; issued: IssuedSession }> {
    const hash = secretHash(deviceCode);
    const now = this.#now();
    const seen = this.#pending.get(hash, now.getTime());
    if (seen && seen.flow.clientId === client.id && seen.flow.expiresAt > now) {
      const tooFast = now.getTime() - seen.lastPollAt < seen.interval * 1000 - pollSlackMs(seen.interval);
      seen.lastPollAt = now.getTime();
      if (!tooFast) throw new AuthorizationPending('the user has not yet approved the request');
      // A slow_down is recorded in AuthDB, so every replica keeps the raised interval.
      if ((await this.#db.stores.deviceFlows.recordPoll(seen.flow.id, now, pollSlackMs(seen.interval))) === 'too-fast') seen.interval += 5;
      throw new SlowDown(`polling too fast: wait at least ${seen.interval} seconds between requests`);
    }
    const flow = await this.#db.stores.deviceFlows.byDeviceCodeHash(hash);
    if (!flow || flow.clientId !== client.id) throw new InvalidGrant('the device code is not valid');
    if (flow.expiresAt <= now) throw new ExpiredToken('the device code has expired; start again');
    switch (flow.state) {
      case 'denied':
        throw new AccessDenied(flow.denial ?? 'the user denied the request');
      case 'consumed':
        throw new InvalidGrant('the device code has already been used');
      case 'pending': {
        const pace = await this.#db.stores.deviceFlows.recordPoll(flow.id, now, pollSlackMs(flow.interval));
        this.#pending.remember(hash, pace === 'too-fast' ? { ...flow, interval: flow.interval + 5 } : flow, now.getTime());
        if (pace === 'too-fast') throw new SlowDown(`polling too fast: wait at least ${flow.interval + 5} seconds between requests`);
        throw new AuthorizationPending('the user has not yet approved the request');
      }
      case 'approved': {
        this.#pending.forget(hash);
        return this.#db.transaction(async (stores) => {
          if (!(await stores.deviceFlows.consume(flow.id))) throw new InvalidGrant('the device code has already been used');
          const identity = flow.identity!;
          const issued = await this.#sessions.start(stores, { clientId: client.id, identity, scopes: flow.grantedScopes ?? flow.scopes, origin: flow.origin });
          return { flow, issued };
        });
      }
    }
  }

  /** The pending flow a user code names, for the verification page; undefined when there is none
   * or it expired. */
  async pendingByUserCode(userCode: string): Promise<DeviceFlow | undefined> {
    const flow = await this.#db.stores.deviceFlows.byUserCode(userCode);
    return flow && flow.state === 'pending' && flow.expiresAt > this.#now() ? flow : undefined;
  }

  async byId(id: string): Promise<DeviceFlow | undefined> {
    return this.#db.stores.deviceFlows.byId(id);
  }

  /** The user approved in the browser and logged in as `identity`. */
  async approve(flowId: string, identity: LoginIdentity, grantedScopes: readonly string[]): Promise<boolean> {
    return this.#db.stores.deviceFlows.approve(flowId, identity, grantedScopes, this.#now());
  }

  async deny(flowId: string): Promise<boolean> {
    return this.#db.stores.deviceFlows.deny(flowId, 'the user denied the request');
  }
}
