import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Interaction, Provider } from 'oidc-provider';
import type { AccountDirectory } from '../account-directory.js';
import type { DevIdpLogger } from '../dev-idp-options.js';
import { grantMissingConsent } from './auto-consent.js';
import { readFormBody } from './form-body.js';
import { escapeHtml, page } from './html.js';
import { loginPage } from './login-page.js';

const INTERACTION_PATH = /^\/interaction\/([A-Za-z0-9_-]+)\/?$/;

/** The interaction uid when the request is for one of our interaction pages. */
export function interactionUid(req: IncomingMessage): string | undefined {
  const path = (req.url ?? '').split('?')[0] ?? '';
  return INTERACTION_PATH.exec(path)?.[1];
}

/**
 * The interaction pages oidc-provider sends the browser to (`interactions.url`): a login form
 * checked against the fixed accounts, and consent granted without asking. Login and consent of
 * the device flow arrive here too, after oidc-provider's own `/device` pages.
 */
export function createInteractionHandler(provider: Provider, accounts: AccountDirectory, logger: DevIdpLogger) {
  async function handle(req: IncomingMessage, res: ServerResponse, uid: string): Promise<void> {
    const interaction = await provider.interactionDetails(req, res);
    // The cookie names the interaction; the path names the one this form was rendered for. A
    // stale tab must not finish a newer interaction.
    if (interaction.uid !== uid) return send(res, 400, errorPage('This sign-in page is out of date. Start again from the application.'));
    const clientId = String(interaction.params.client_id ?? '');

    if (interaction.prompt.name === 'consent') {
      const grantId = await grantMissingConsent(provider, interaction);
      return provider.interactionFinished(req, res, { consent: grantId === undefined ? {} : { grantId } }, { mergeWithLastSubmission: true });
    }
    if (interaction.prompt.name !== 'login') {
      return send(res, 400, errorPage(`Unsupported interaction prompt "${interaction.prompt.name}".`));
    }
    if (req.method === 'GET') return send(res, 200, loginPage({ uid, clientId }));
    if (req.method !== 'POST') return send(res, 405, errorPage('Method not allowed.'), { allow: 'GET, POST' });
    return login(req, res, interaction, clientId);
  }

  async function login(req: IncomingMessage, res: ServerResponse, interaction: Interaction, clientId: string): Promise<void> {
    const form = await readFormBody(req);
    const login = form.get('login') ?? '';
    const account = accounts.authenticate(login, form.get('password') ?? '');
    if (account === undefined) {
      logger.warn({ login, clientId }, 'dev-idp login refused: wrong login or password');
      return send(res, 200, loginPage({ uid: interaction.uid, clientId, login, error: 'Wrong login or password.' }));
    }
    logger.info({ login, sub: account.sub, clientId }, 'dev-idp login');
    // A fresh login replaces whatever an earlier submission of this interaction said.
    await provider.interactionFinished(req, res, { login: { accountId: account.sub } }, { mergeWithLastSubmission: false });
  }

  return async function interactionHandler(req: IncomingMessage, res: ServerResponse, uid: string): Promise<void> {
    try {
      await handle(req, res, uid);
    } catch (error) {
      const status = httpStatus(error);
      if (status >= 500) logger.warn({ err: error, uid }, 'dev-idp interaction failed');
      const message = status >= 500 ? 'Internal error.' : describe(error);
      if (!res.headersSent) send(res, status, errorPage(message));
      else res.end();
    }
  };
}

/** oidc-provider errors (e.g. SessionNotFound) and FormBodyError carry a 4xx `status`. */
function httpStatus(error: unknown): number {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === 'number' && status >= 400 && status < 600 ? status : 500;
}

function describe(error: unknown): string {
  const e = error as { error_description?: unknown; message?: unknown };
  return String(e.error_description ?? e.message ?? 'Bad request.');
}

function errorPage(message: string): string {
  return page('Sign-in problem', `<p class="error" role="alert">${escapeHtml(message)}</p>`);
}

function send(res: ServerResponse, status: number, html: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'content-length': Buffer.byteLength(html),
    ...headers,
  });
  res.end(html);
}
