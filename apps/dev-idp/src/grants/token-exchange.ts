import { errors, type AccessToken, type Client, type Provider, type TokenEndpointContext } from 'oidc-provider';

/** RFC 8693 token exchange, limited to what Tessera asks of IAM: an access token for a narrower one. */
export const TOKEN_EXCHANGE_GRANT = 'urn:ietf:params:oauth:grant-type:token-exchange';
export const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';

// actor_token is accepted as a parameter only to be refused: oidc-provider would otherwise drop
// it silently, and the caller would believe it got a delegation token.
const PARAMETERS = ['subject_token', 'subject_token_type', 'requested_token_type', 'scope', 'audience', 'resource', 'actor_token', 'actor_token_type'];
// RFC 8693 §2.1: audience and resource may be given more than once.
const REPEATABLE = ['audience', 'resource'];

export function registerTokenExchange(provider: Provider): void {
  provider.registerGrantType(TOKEN_EXCHANGE_GRANT, (ctx) => exchange(provider, ctx), PARAMETERS, REPEATABLE);
}

async function exchange(provider: Provider, ctx: TokenEndpointContext): Promise<void> {
  const { client, params } = ctx.oidc;
  // oidc-provider has already checked grant_types; exchanging another party's token is for
  // services that can prove who they are, never for code running on a user's machine.
  if (client.clientAuthMethod === 'none') throw new errors.UnauthorizedClient('token exchange needs an authenticated client');
  if (params.actor_token !== undefined) throw new errors.InvalidRequest('actor_token (delegation) is not supported');
  if (single(params, 'subject_token_type') !== ACCESS_TOKEN_TYPE) throw new errors.InvalidRequest(`subject_token_type must be ${ACCESS_TOKEN_TYPE}`);
  const requested = single(params, 'requested_token_type', false);
  if (requested !== undefined && requested !== ACCESS_TOKEN_TYPE) throw new errors.InvalidRequest(`requested_token_type must be ${ACCESS_TOKEN_TYPE}`);
  const audience = [...list(params.audience), ...list(params.resource).map(resourceIndicator)];

  // find() answers undefined for unknown, expired, revoked and refresh or client credentials tokens.
  // RFC 8693 §2.2.2: an invalid subject_token MUST be answered with invalid_request.
  const subject = await provider.AccessToken.find(single(params, 'subject_token'));
  if (subject === undefined || !subject.isValid) throw new errors.InvalidRequest('subject_token is not an active access token');
  const grant = subject.grantId === undefined ? undefined : await provider.Grant.find(subject.grantId);
  // Revoking the user's grant at the IdP must also stop new tokens being derived from it.
  if (grant === undefined || grant.isExpired || grant.accountId !== subject.accountId) throw new errors.InvalidRequest('subject_token grant is gone');

  const scope = narrowedScope(subject, single(params, 'scope', false));
  const token = new provider.AccessToken({
    accountId: subject.accountId,
    client,
    grantId: subject.clientId === client.clientId ? subject.grantId : await derivedGrant(provider, subject.accountId, client, scope),
    scope,
    claims: subject.claims,
    gty: TOKEN_EXCHANGE_GRANT,
  });
  // Stored with the token, so introspection reports it as `aud`.
  if (audience.length > 0) token.aud = audience.length === 1 ? audience[0] : audience;
  ctx.oidc.entity('AccessToken', token);
  const value = await token.save();
  ctx.body = {
    access_token: value,
    issued_token_type: ACCESS_TOKEN_TYPE,
    token_type: token.tokenType,
    expires_in: token.expiration,
    scope: token.scope,
  };
}

/** The requested scope if the subject token holds all of it: an exchange may narrow, never widen. */
function narrowedScope(subject: AccessToken, requested: string | undefined): string | undefined {
  if (requested === undefined || requested === '') return subject.scope;
  const missing = [...new Set(requested.split(' '))].filter((s) => !subject.scopes.has(s));
  if (missing.length > 0) throw new errors.InvalidScope('requested scope exceeds the subject token scope', missing.join(' '));
  return [...new Set(requested.split(' '))].join(' ');
}

/**
 * oidc-provider treats a token whose client differs from its grant's as inactive (introspection,
 * userinfo), so a token exchanged by another client gets its own grant for the same account,
 * holding just the exchanged scope.
 */
async function derivedGrant(provider: Provider, accountId: string, client: Client, scope: string | undefined): Promise<string> {
  const grant = new provider.Grant({ accountId, clientId: client.clientId });
  if (scope !== undefined) grant.addOIDCScope(scope);
  return grant.save();
}

function single(params: TokenEndpointContext['oidc']['params'], name: string, required?: true): string;
function single(params: TokenEndpointContext['oidc']['params'], name: string, required: false): string | undefined;
function single(params: TokenEndpointContext['oidc']['params'], name: string, required = true): string | undefined {
  const value = params[name];
  // Only audience and resource are registered as repeatable; oidc-provider refuses other repeats.
  if (Array.isArray(value)) throw new errors.InvalidRequest(`${name} must not be provided twice`);
  if (required && (value === undefined || value === '')) throw new errors.InvalidRequest(`missing required parameter '${name}'`);
  return value;
}

function list(value: string | string[] | undefined): string[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

/** RFC 8707 §2: a resource is an absolute URI without a fragment. */
function resourceIndicator(value: string): string {
  const url = URL.canParse(value) ? new URL(value) : undefined;
  if (url === undefined || url.hash !== '') throw new errors.InvalidTarget('resource must be an absolute URI without a fragment');
  return value;
}
