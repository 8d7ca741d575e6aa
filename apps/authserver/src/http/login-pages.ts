import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '@tessera/observability';
import type { OAuthClients } from '../oauth/clients.js';
import { OAuthError } from '../oauth/errors.js';
import type { ScopePolicy } from '../oauth/scopes.js';
import { checkAuthorizationRequest } from '../services/authorization-request.js';
import type { DeviceFlowService } from '../services/device-flow-service.js';
import type { LoginService } from '../services/login-service.js';
import type { LoginStep } from '../services/login-steps.js';
import { authorizationResponse } from '../services/login-service.js';
import type { RegistryLookup } from '../services/registry-lookup.js';
import { displayUserCode, normaliseUserCode } from '../services/secrets.js';
import type { UserCodeGuesses } from '../services/user-code-guesses.js';
import { BrowserExchange } from './browser-session.js';
import { checkCsrf, csrfTokenFor } from './csrf.js';
import { readForm } from './form-body.js';
import { sourceKey, type OriginOf } from './origin.js';
import { confirmationPage } from './pages/confirmation-page.js';
import { errorPage } from './pages/error-page.js';
import { groupChooserPage } from './pages/group-chooser-page.js';
import { idpChooserPage } from './pages/idp-chooser-page.js';
import { successPage } from './pages/success-page.js';
import { unregisteredPage } from './pages/unregistered-page.js';
import { verificationPage, type VerificationError } from './pages/verification-page.js';

export interface LoginPagesDeps {
  readonly issuer: string;
  readonly login: LoginService;
  readonly deviceFlows: DeviceFlowService;
  readonly guesses: UserCodeGuesses;
  readonly clients: OAuthClients;
  readonly registry: RegistryLookup;
  readonly scopePolicy: ScopePolicy;
  /** Registry name → the name shown to users. */
  readonly providerNames: ReadonlyMap<string, string>;
  /** Origins the login forms may be redirected to (the IdPs'): CSP form-action. */
  readonly formActionOrigins: readonly string[];
  readonly originOf: OriginOf;
  readonly logger: Logger;
}

type Handler = (exchange: BrowserExchange) => Promise<void>;

// The verification form is not tied to a flow yet, only to the browser.
const VERIFICATION_FORM = 'device-verification';

/** The browser side of logins: the device verification pages, /authorize, the IdP callback and
 * the choosers. Every form carries a CSRF token bound to the browser's binding cookie. */
export function loginPages(deps: LoginPagesDeps): Record<string, (req: IncomingMessage, res: ServerResponse) => Promise<void>> {
  const secure = deps.issuer.startsWith('https:');
  const wrap = (handler: Handler) => async (req: IncomingMessage, res: ServerResponse) => {
    const exchange = new BrowserExchange(req, res, { secure, formActionOrigins: deps.formActionOrigins });
    try {
      await handler(exchange);
    } catch (error) {
      if (error instanceof OAuthError && error.status < 500) {
        exchange.page(error.status, errorPage({ title: 'This request cannot be handled', message: error.description, status: error.status }));
        return;
      }
      deps.logger.error({ err: error, path: req.url?.split('?')[0] }, 'login page failed');
      exchange.page(500, errorPage({ title: 'Something went wrong', message: 'Tessera could not handle this request. Try again in a moment.', status: 500 }));
    }
  };

  /** Reads a form, or shows why it cannot be trusted (no binding cookie, wrong CSRF token). */
  async function form(exchange: BrowserExchange, csrfScope: (form: URLSearchParams) => string): Promise<URLSearchParams | undefined> {
    const body = await readForm(exchange.req);
    if (!exchange.bound || !checkCsrf(exchange.binding, csrfScope(body), body.get('csrf') ?? undefined)) {
      exchange.page(400, errorPage({ title: 'This form has expired', message: 'Go back, reload the page and try again.', status: 400 }));
      return undefined;
    }
    return body;
  }

  function render(exchange: BrowserExchange, step: LoginStep): void {
    switch (step.kind) {
      case 'redirect':
        return exchange.redirect(step.location);
      case 'choose-idp': {
        const providers = step.providers.map((name) => ({ name, displayName: deps.providerNames.get(name) ?? name }));
        return exchange.page(200, idpChooserPage({ csrfToken: csrfTokenFor(exchange.binding, step.flowId), flowId: step.flowId, providers }));
      }
      case 'choose-group': {
        const groups = step.groups.map((name) => ({ name, vo: deps.registry.voOf(name) ?? '', properties: [...deps.registry.properties(name)] }));
        return exchange.page(200, groupChooserPage({ csrfToken: csrfTokenFor(exchange.binding, step.flowId), flowId: step.flowId, userId: step.userId, groups }));
      }
      case 'unregistered':
        return exchange.page(403, unregisteredPage({ provider: deps.providerNames.get(step.provider) ?? step.provider, subject: step.subject, reference: step.reference }));
      case 'done':
        return exchange.page(200, successPage({ kind: step.purpose, clientName: step.clientName }));
      case 'failed':
        return exchange.page(step.status, errorPage(step));
    }
  }

  const verification = (exchange: BrowserExchange, status: number, options: { userCode?: string; error?: VerificationError } = {}) =>
    exchange.page(status, verificationPage({ csrfToken: csrfTokenFor(exchange.binding, VERIFICATION_FORM), ...options }));

  return {
    // RFC 8628 §3.3: the user types the code; verification_uri_complete fills it in.
    'GET /device': wrap(async (exchange) => {
      const typed = new URL(exchange.req.url ?? '/', deps.issuer).searchParams.get('user_code') ?? undefined;
      const code = typed === undefined ? undefined : normaliseUserCode(typed);
      verification(exchange, 200, code ? { userCode: displayUserCode(code) } : {});
    }),

    'POST /device': wrap(async (exchange) => {
      const body = await form(exchange, () => VERIFICATION_FORM);
      if (!body) return;
      const source = sourceKey(deps.originOf(exchange.req).ipAddress);
      if (!deps.guesses.allowed(source)) return verification(exchange, 429, { error: 'too-many-attempts' });
      const code = normaliseUserCode(body.get('user_code') ?? '');
      if (code === undefined) return verification(exchange, 400, { error: 'invalid' });
      const flow = await deps.deviceFlows.pendingByUserCode(code);
      if (!flow) {
        deps.guesses.wrong(source);
        return verification(exchange, 400, { error: 'unknown', userCode: displayUserCode(code) });
      }
      const client = deps.clients.find(flow.clientId);
      exchange.page(
        200,
        confirmationPage({
          csrfToken: csrfTokenFor(exchange.binding, flow.id),
          flowId: flow.id,
          clientName: client?.displayName ?? flow.clientId,
          clientId: flow.clientId,
          requestedAt: flow.createdAt,
          origin: flow.origin,
          scopes: [...flow.scopes],
          userCode: displayUserCode(flow.userCode),
        }),
      );
    }),

    'POST /device/confirm': wrap(async (exchange) => {
      const body = await form(exchange, (f) => f.get('flow') ?? '');
      if (!body) return;
      const flow = await deps.deviceFlows.byId(body.get('flow') ?? '');
      if (!flow || flow.state !== 'pending' || flow.expiresAt <= new Date()) return verification(exchange, 400, { error: 'expired' });
      if (body.get('decision') !== 'approve') {
        await deps.deviceFlows.deny(flow.id);
        return exchange.page(200, errorPage({ title: 'Request denied', message: 'The device was not given access. You may close this window.', status: 200 }));
      }
      render(exchange, await deps.login.start({ kind: 'device', deviceFlowId: flow.id }, flow.scopes, exchange.binding, deps.originOf(exchange.req)));
    }),

    // RFC 6749 §4.1.1 with PKCE; errors go back to the client once its redirect URI is trusted.
    'GET /authorize': wrap(async (exchange) => {
      const query = new URL(exchange.req.url ?? '/', deps.issuer).searchParams;
      const checked = checkAuthorizationRequest(query, deps.clients, deps.scopePolicy);
      if ('shownToUser' in checked) return exchange.page(400, errorPage({ title: 'This sign-in request is not valid', message: checked.shownToUser, status: 400 }));
      if ('error' in checked) {
        const { error, redirectUri, state } = checked;
        return exchange.redirect(authorizationResponse(redirectUri, { error: error.error, error_description: error.description, state, iss: deps.issuer }));
      }
      const { client, redirectUri, state, nonce, codeChallenge, scope } = checked;
      const purpose = { kind: 'code' as const, clientId: client.id, redirectUri, state, codeChallenge, nonce };
      render(exchange, await deps.login.start(purpose, scope.tokens, exchange.binding, deps.originOf(exchange.req)));
    }),

    'POST /login/idp': wrap(async (exchange) => {
      const body = await form(exchange, (f) => f.get('flow') ?? '');
      if (body) render(exchange, await deps.login.chooseIdp(body.get('flow')!, body.get('provider') ?? '', exchange.binding));
    }),

    'POST /login/group': wrap(async (exchange) => {
      const body = await form(exchange, (f) => f.get('flow') ?? '');
      if (body) render(exchange, await deps.login.chooseGroup(body.get('flow')!, body.get('group') ?? '', exchange.binding));
    }),

    // The IdP sends the browser back here; the gateway checks state, iss and the code (RFC 9207).
    'GET /auth/callback': wrap(async (exchange) => {
      const url = new URL(exchange.req.url ?? '/', deps.issuer);
      render(exchange, await deps.login.callback(url.searchParams, url.href, exchange.bound ? exchange.binding : undefined));
    }),
  };
}
