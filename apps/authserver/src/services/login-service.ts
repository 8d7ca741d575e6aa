import { randomUUID } from 'node:crypto';
import type { Client } from '@connectrpc/connect';
import type { IdpGatewayService, TokenManagerService } from '@tessera/contracts';
import type { Logger } from '@tessera/observability';
import type { OAuthClients } from '../oauth/clients.js';
import type { AuthorizationFlow, LoginIdentity, LoginPurpose, Origin } from '../storage/model.js';
import type { AuthDb, AuthStores } from '../storage/stores.js';
import { failed, LOGIN_EXPIRED, type LoginStep } from './login-steps.js';
import type { RegistryLookup } from './registry-lookup.js';
import { newId, newSecret, secretHash } from './secrets.js';

export interface LoginPolicy {
  readonly issuer: string;
  readonly loginLifetime: number;
  readonly authorizationCodeLifetime: number;
  readonly clock?: () => Date;
}

export interface LoginDeps {
  readonly db: AuthDb;
  readonly idpGateway: Client<typeof IdpGatewayService>;
  readonly tokenManager: Client<typeof TokenManagerService>;
  readonly registry: RegistryLookup;
  readonly clients: OAuthClients;
  readonly logger: Logger;
}

const GROUP_SCOPE = /^g:/;

/**
 * Browser logins, brokered through the idp-gateway (DESIGN §2): choose the IdP (from the group's
 * VO, else the only one, else the user picks), log in there, check the identity against the
 * registry, choose the group when several fit, hand the IdP tokens to tokenmanager, and then
 * approve the device flow or issue the authorization code. Every step after the first is bound
 * to the browser that started it (`browserBindingHash`) and runs under the flow's row lock.
 */
export class LoginService {
  readonly #deps: LoginDeps;
  readonly #policy: LoginPolicy;
  readonly #now: () => Date;

  constructor(deps: LoginDeps, policy: LoginPolicy) {
    this.#deps = deps;
    this.#policy = policy;
    this.#now = policy.clock ?? (() => new Date());
  }

  get callbackUri(): string {
    return `${this.#policy.issuer}/auth/callback`;
  }

  /** A login for `purpose` starts in this browser. */
  async start(purpose: LoginPurpose, scopes: readonly string[], browserBinding: string, origin: Origin): Promise<LoginStep> {
    const now = this.#now();
    const flow = await this.#deps.db.stores.authorizationFlows.create({
      id: newId(),
      purpose,
      scopes,
      stage: 'choose-idp',
      browserBindingHash: secretHash(browserBinding),
      origin,
      createdAt: now,
      expiresAt: new Date(now.getTime() + this.#policy.loginLifetime),
    });
    const group = requestedGroup(scopes);
    const provider = group !== undefined ? this.#deps.registry.idpOf(group) : undefined;
    const providers = this.#deps.registry.providers();
    if (provider !== undefined) return this.chooseIdp(flow.id, provider, browserBinding);
    if (providers.length === 1) return this.chooseIdp(flow.id, providers[0]!, browserBinding);
    return { kind: 'choose-idp', flowId: flow.id, providers };
  }

  /** The IdP is known: off to log in there. The gateway is asked before the flow is locked, so
   * no database lock or transaction waits on the network. */
  async chooseIdp(flowId: string, provider: string, browserBinding: string): Promise<LoginStep> {
    if (!this.#deps.registry.providers().includes(provider)) return failed(400, 'Unknown identity provider', 'Choose one of the identity providers listed.');
    const peek = this.#usable(await this.#deps.db.stores.authorizationFlows.byId(flowId), browserBinding, 'choose-idp');
    if (typeof peek === 'string') return refusal(peek);
    const group = requestedGroup(peek.scopes);
    const begun = await this.#deps.idpGateway.beginAuthorization({
      provider,
      redirectUri: this.callbackUri,
      groupScopes: group !== undefined ? [...this.#deps.registry.groupScopes(group)] : [],
    });
    return this.#deps.db.transaction(async (stores) => {
      const flow = await this.#open(stores, flowId, browserBinding, 'choose-idp');
      if (typeof flow === 'string') return refusal(flow);
      await stores.authorizationFlows.change(flow.id, { stage: 'at-idp', provider, idpState: begun.state, sealedState: begun.sealedState });
      return { kind: 'redirect', location: begun.authorizationUrl };
    });
  }

  /**
   * The IdP sent the browser back (RFC 6749 §4.1.2); `callbackUrl` is the full URL received. The
   * flow is claimed first (`at-idp` → `completing`, so a second callback finds nothing to do), the
   * gateway and tokenmanager are called with no transaction open, and the outcome is recorded last.
   */
  async callback(query: URLSearchParams, callbackUrl: string, browserBinding: string | undefined): Promise<LoginStep> {
    const state = query.get('state');
    if (!state || browserBinding === undefined) return LOGIN_EXPIRED;
    const claimed = await this.#deps.db.transaction(async (stores): Promise<AuthorizationFlow | LoginStep> => {
      const found = await stores.authorizationFlows.byIdpState(state, { forUpdate: true });
      const flow = this.#usable(found, browserBinding, 'at-idp');
      if (typeof flow === 'string') return refusal(flow);
      if (query.get('error') === 'access_denied') return this.#deny(stores, flow, 'You cancelled the login at your identity provider.');
      await stores.authorizationFlows.change(flow.id, { stage: 'completing' });
      return flow;
    });
    if ('kind' in claimed) return claimed;
    const flow = claimed;
    const provider = flow.provider!;
    const outcome = await this.#complete(flow, provider, callbackUrl);
    return this.#deps.db.transaction(async (stores) => {
      const locked = await this.#open(stores, flow.id, browserBinding, 'completing');
      if (typeof locked === 'string') return refusal(locked);
      switch (outcome.kind) {
        case 'failed':
          await stores.authorizationFlows.change(flow.id, { stage: 'failed' });
          return outcome.step;
        case 'unregistered':
          await this.#deny(stores, flow, 'This identity provider account is not registered in Tessera.');
          return outcome.step;
        case 'denied':
          return this.#deny(stores, flow, outcome.message);
        case 'choose-group':
          await stores.authorizationFlows.change(flow.id, { stage: 'choose-group', userId: outcome.userId, providerSubject: outcome.subject, candidateGroups: outcome.groups });
          return { kind: 'choose-group', flowId: flow.id, userId: outcome.userId, groups: outcome.groups };
        case 'identified':
          return this.#finish(stores, flow, outcome.identity);
      }
    });
  }

  /** The network half of a callback: the gateway finishes the IdP login, the registry says who it
   * is, tokenmanager stores the IdP tokens. Nothing here touches AuthDB. */
  async #complete(flow: AuthorizationFlow, provider: string, callbackUrl: string): Promise<CallbackOutcome> {
    let completed;
    try {
      completed = await this.#deps.idpGateway.completeAuthorization({ provider, sealedState: flow.sealedState!, callback: { case: 'callbackUrl', value: callbackUrl } });
    } catch (error) {
      this.#deps.logger.warn({ err: error, flow: flow.id, provider }, 'login at the IdP could not be completed');
      return { kind: 'failed', step: failed(502, 'The login could not be completed', 'Your identity provider did not confirm the login. Start again; if it keeps failing, tell your administrators.') };
    }
    const subject = completed.identity!.subject;
    const userId = this.#deps.registry.userAt(provider, subject);
    if (userId === undefined) {
      const reference = randomUUID();
      // The event administrators look for: who tried, from which IdP, and the reference shown.
      this.#deps.logger.warn({ event: 'login.unregistered', provider, subject, reference, flow: flow.id }, 'an IdP account unknown to the registry logged in');
      return { kind: 'unregistered', step: { kind: 'unregistered', provider, subject, reference } };
    }
    const notStored = await this.#storeIdpTokens(userId, provider, subject, completed);
    if (notStored) return { kind: 'denied', message: notStored };
    const wanted = requestedGroup(flow.scopes);
    const candidates = this.#deps.registry.groupsAt(userId, provider);
    if (wanted !== undefined && !candidates.includes(wanted)) return { kind: 'denied', message: `Your account is not a member of the group ${wanted}.` };
    const groups = wanted !== undefined ? [wanted] : candidates;
    if (groups.length === 0) return { kind: 'denied', message: `Your account is in no group that logs in through ${provider}.` };
    if (groups.length > 1) return { kind: 'choose-group', userId, subject, groups };
    return { kind: 'identified', identity: this.#identity(userId, groups[0]!, provider, subject) };
  }

  /** The user picked one of the groups that fit. */
  async chooseGroup(flowId: string, group: string, browserBinding: string): Promise<LoginStep> {
    return this.#deps.db.transaction(async (stores) => {
      const flow = await this.#open(stores, flowId, browserBinding, 'choose-group');
      if (typeof flow === 'string') return refusal(flow);
      if (!flow.candidateGroups.includes(group)) return { kind: 'choose-group', flowId, userId: flow.userId!, groups: flow.candidateGroups };
      return this.#finish(stores, flow, this.#identity(flow.userId!, group, flow.provider!, flow.providerSubject!));
    });
  }

  /** The flow, locked, if it is at `stage`, unexpired and this browser's. */
  async #open(stores: AuthStores, id: string, browserBinding: string, stage: AuthorizationFlow['stage']): Promise<AuthorizationFlow | Refusal> {
    return this.#usable(await stores.authorizationFlows.byId(id, { forUpdate: true }), browserBinding, stage);
  }

  #usable(flow: AuthorizationFlow | undefined, browserBinding: string, stage: AuthorizationFlow['stage']): AuthorizationFlow | Refusal {
    if (!flow || flow.stage !== stage || flow.expiresAt <= this.#now()) return 'expired';
    if (flow.browserBindingHash !== secretHash(browserBinding)) return 'wrong-browser';
    return flow;
  }

  #identity(userId: string, group: string, provider: string, providerSubject: string): LoginIdentity {
    return { userId, group, vo: this.#deps.registry.voOf(group)!, provider, providerSubject };
  }

  /** UpdateToken: tokenmanager now holds the user's IdP refresh token for the platform's services.
   * Returns the message to show when it could not. */
  async #storeIdpTokens(userId: string, provider: string, subject: string, completed: { tokenSet?: unknown; identity?: { claims?: unknown } }): Promise<string | undefined> {
    try {
      await this.#deps.tokenManager.updateToken({ userId, provider, subject, tokenSet: completed.tokenSet as never, idTokenClaims: completed.identity?.claims as never });
      return undefined;
    } catch (error) {
      this.#deps.logger.error({ err: error, userId, provider }, 'the IdP tokens could not be stored at tokenmanager');
      return 'Your login worked, but Tessera could not store your identity provider token. Try again in a few minutes.';
    }
  }

  async #finish(stores: AuthStores, flow: AuthorizationFlow, identity: LoginIdentity): Promise<LoginStep> {
    const scopes = [...flow.scopes.filter((s) => !GROUP_SCOPE.test(s)), `g:${identity.group}`];
    const purpose = flow.purpose;
    if (purpose.kind === 'device') {
      const device = await stores.deviceFlows.byId(purpose.deviceFlowId);
      const approved = await stores.deviceFlows.approve(purpose.deviceFlowId, identity, scopes, this.#now());
      await stores.authorizationFlows.change(flow.id, { stage: approved ? 'done' : 'failed', identity });
      if (!approved) return LOGIN_EXPIRED;
      return { kind: 'done', purpose: 'device', clientName: this.#clientName(device?.clientId), approved: true };
    }
    const code = newSecret('tsc');
    const now = this.#now();
    await stores.authorizationFlows.change(flow.id, {
      stage: 'code-issued',
      identity,
      scopes,
      codeHash: secretHash(code),
      codeExpiresAt: new Date(now.getTime() + this.#policy.authorizationCodeLifetime),
    });
    return { kind: 'redirect', location: authorizationResponse(purpose.redirectUri, { code, state: purpose.state, iss: this.#policy.issuer }) };
  }

  /** Ends the login without tokens: a device flow is denied (the device is told access_denied),
   * a client gets `access_denied` at its redirect URI. */
  async #deny(stores: AuthStores, flow: AuthorizationFlow, message: string): Promise<LoginStep> {
    await stores.authorizationFlows.change(flow.id, { stage: 'failed' });
    const purpose = flow.purpose;
    if (purpose.kind === 'device') {
      await stores.deviceFlows.deny(purpose.deviceFlowId, message);
      return failed(403, 'Access denied', message);
    }
    return { kind: 'redirect', location: authorizationResponse(purpose.redirectUri, { error: 'access_denied', error_description: message, state: purpose.state, iss: this.#policy.issuer }) };
  }

  #clientName(clientId: string | undefined): string {
    return this.#deps.clients.find(clientId)?.displayName ?? clientId ?? 'the application';
  }
}

const WRONG_BROWSER = failed(400, 'This login belongs to another browser', 'Finish the login in the browser where you started it, or start again here.');

type Refusal = 'expired' | 'wrong-browser';
const refusal = (why: Refusal): LoginStep => (why === 'expired' ? LOGIN_EXPIRED : WRONG_BROWSER);

/** What the network half of a callback found out. */
type CallbackOutcome =
  | { readonly kind: 'failed'; readonly step: LoginStep }
  | { readonly kind: 'unregistered'; readonly step: LoginStep }
  | { readonly kind: 'denied'; readonly message: string }
  | { readonly kind: 'choose-group'; readonly userId: string; readonly subject: string; readonly groups: readonly string[] }
  | { readonly kind: 'identified'; readonly identity: LoginIdentity };

function requestedGroup(scopes: readonly string[]): string | undefined {
  return scopes.find((s) => GROUP_SCOPE.test(s))?.slice(2);
}

/** RFC 6749 §4.1.2 with RFC 9207 `iss`: parameters added to the registered redirect URI. */
export function authorizationResponse(redirectUri: string, params: Record<string, string | undefined>): string {
  const url = new URL(redirectUri);
  for (const [name, value] of Object.entries(params)) if (value !== undefined) url.searchParams.set(name, value);
  return url.href;
}
