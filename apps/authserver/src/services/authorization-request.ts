import type { OAuthClient, OAuthClients } from '../oauth/clients.js';
import { InvalidRequest, InvalidScope, OAuthError, UnauthorizedClient, UnsupportedResponseType } from '../oauth/errors.js';
import { parseScope, type Scope, type ScopePolicy } from '../oauth/scopes.js';

/** An authorization request (RFC 6749 §4.1.1) checked far enough to start the login. */
export interface AuthorizationRequest {
  readonly client: OAuthClient;
  readonly redirectUri: string;
  readonly state: string | undefined;
  readonly nonce: string | undefined;
  readonly codeChallenge: string;
  readonly scope: Scope;
}

/** Checked before anything else: without a client and a registered redirect URI there is nowhere
 * safe to send an error, so the user is shown it instead (RFC 6749 §4.1.2.1). */
export type AuthorizationRequestProblem =
  | { readonly shownToUser: string }
  | { readonly redirectUri: string; readonly state: string | undefined; readonly error: OAuthError };

const CODE_CHALLENGE = /^[A-Za-z0-9_-]{43}$/; // base64url of a SHA-256

/** Validates /authorize's query; PKCE with S256 is required of every client (RFC 9700 §2.1.1). */
export function checkAuthorizationRequest(query: URLSearchParams, clients: OAuthClients, policy: ScopePolicy): AuthorizationRequest | AuthorizationRequestProblem {
  const single = (name: string) => (query.getAll(name).length > 1 ? null : (query.get(name) ?? undefined) || undefined);
  const client = clients.find(single('client_id') ?? undefined);
  if (!client) return { shownToUser: 'The application that sent you here is not known to Tessera.' };
  const asked = single('redirect_uri');
  if (asked === null) return { shownToUser: 'The application sent more than one redirect URI.' };
  // RFC 6749 §3.1.2.3: compared as strings, exactly; may be left out when only one is registered.
  const redirectUri = asked ?? (client.redirectUris.length === 1 ? client.redirectUris[0] : undefined);
  if (redirectUri === undefined || !client.redirectUris.includes(redirectUri)) {
    return { shownToUser: 'The application asked to send you back to an address it has not registered.' };
  }
  const state = single('state') ?? undefined;
  const fail = (error: OAuthError): AuthorizationRequestProblem => ({ redirectUri, state, error });
  for (const name of ['response_type', 'scope', 'code_challenge', 'code_challenge_method', 'nonce', 'state']) {
    if (single(name) === null) return fail(new InvalidRequest(`the ${name} parameter is given more than once`));
  }
  if (query.has('request') || query.has('request_uri')) return fail(new OAuthError('request_not_supported', 400, 'request objects are not supported'));
  if (single('response_type') !== 'code') return fail(new UnsupportedResponseType('only response_type=code is supported'));
  if (!client.grantTypes.has('authorization_code')) return fail(new UnauthorizedClient(`client ${client.id} may not use the authorization code grant`));
  if (single('prompt') === 'none') return fail(new OAuthError('login_required', 400, 'Tessera always asks the user to log in'));
  const codeChallenge = single('code_challenge');
  if (!codeChallenge) return fail(new InvalidRequest('code_challenge is required (PKCE, RFC 7636, with S256)'));
  if (single('code_challenge_method') !== 'S256') return fail(new InvalidRequest('code_challenge_method must be S256; plain is not accepted'));
  if (!CODE_CHALLENGE.test(codeChallenge)) return fail(new InvalidRequest('code_challenge must be the base64url SHA-256 of the code verifier'));
  let scope: Scope;
  try {
    scope = parseScope(single('scope') ?? undefined, policy);
  } catch (error) {
    if (error instanceof InvalidScope) return fail(error);
    throw error;
  }
  return { client, redirectUri, state, nonce: single('nonce') ?? undefined, codeChallenge, scope };
}
