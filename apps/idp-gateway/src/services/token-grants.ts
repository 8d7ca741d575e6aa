import type { MessageInitShape } from '@bufbuild/protobuf';
import * as oidc from 'openid-client';
import type { IdpType } from '@tessera/config';
import type { idpgatewayV1 } from '@tessera/contracts';
import type { Logger } from '@tessera/observability';
import { IdpError, IdpErrorKind } from '../idp/idp-error.js';
import { TokenResponseCapture } from '../idp/token-response-capture.js';
import { TOKEN_EXCHANGE_GRANT, type ProviderDirectory } from './provider-directory.js';
import { shapeTokens, unique } from './token-set.js';
import { tokenTypeFromUrn, tokenTypeHint, tokenTypeUrn } from './token-types.js';


/**
 * The token endpoint grants the gateway performs for Tessera: refresh (never retried: the IdP may
 * have rotated the token before the answer was lost), token exchange (RFC 8693), client
 * credentials and revocation (RFC 7009; both safe to repeat).
 */
export class TokenGrants {
  constructor(
    private readonly providers: ProviderDirectory,
    private readonly logger: Logger,
  ) {}

  async refresh(request: idpgatewayV1.RefreshTokenRequest): Promise<MessageInitShape<typeof idpgatewayV1.RefreshTokenResponseSchema>> {
    const connection = this.providers.get(request.provider);
    required(request.provider, request.refreshToken, 'refresh_token');
    // RFC 6749 §6: the scope asked for must be within what the refresh token was granted; the
    // IdP may have granted less than was asked at login (oidc-provider drops offline_access
    // without prompt=consent), so nothing is added here: the caller asks for exactly what it
    // wants, and an empty list keeps the original grant.
    // Group scopes are added to what was asked for, never in place of it.
    const requested = unique([...request.scopes, ...request.groupScopes]);
    const parameters = new URLSearchParams();
    if (requested.length > 0) parameters.set('scope', requested.join(' '));
    addAudiences(parameters, connection.config.type, request.audiences);
    const capture = new TokenResponseCapture();
    let response: oidc.TokenEndpointResponse;
    try {
      response = await capture.run(() => connection.call('refresh', (config) => oidc.refreshTokenGrant(config, request.refreshToken, parameters), { safe: false }));
    } catch (error) {
      const rotated = error instanceof IdpError ? withoutIdToken(await capture.tokenResponse(), request.refreshToken) : undefined;
      if (!rotated) throw error;
      // The IdP rotated the refresh token and then a check of its answer failed: the old token is
      // spent, so the new one must reach the caller. The ID token, which failed or was never
      // checked, is dropped; nothing of the identity is taken from a refresh.
      this.logger.warn({ idp: request.provider, reason: (error as IdpError).summary }, 'refresh answer failed a check after the IdP rotated the refresh token; returning the tokens without the ID token');
      response = rotated;
    }
    const shaped = shapeTokens(response, requested, connection.config.clientId);
    const rotated = response.refresh_token !== undefined && response.refresh_token !== request.refreshToken;
    if (!rotated) shaped.tokenSet.refreshToken = request.refreshToken;
    return { tokenSet: shaped.tokenSet, refreshTokenRotated: rotated, refusedScopes: shaped.refusedScopes };
  }

  async exchange(request: idpgatewayV1.ExchangeTokenRequest): Promise<MessageInitShape<typeof idpgatewayV1.ExchangeTokenResponseSchema>> {
    const connection = this.providers.get(request.provider);
    required(request.provider, request.subjectToken, 'subject_token');
    const metadata = await connection.metadata();
    if (!(metadata.grant_types_supported ?? []).includes(TOKEN_EXCHANGE_GRANT)) {
      throw new IdpError({ kind: IdpErrorKind.UNSUPPORTED, provider: request.provider, message: `identity provider ${request.provider} does not offer token exchange (RFC 8693)` });
    }
    const parameters = new URLSearchParams({
      subject_token: request.subjectToken,
      subject_token_type: tokenTypeUrn(request.subjectTokenType) ?? 'urn:ietf:params:oauth:token-type:access_token',
    });
    if (request.scopes.length > 0) parameters.set('scope', request.scopes.join(' '));
    // RFC 8693 §2.1: audience and resource may each be given several times. EGI Check-In needs
    // `resource`; INDIGO IAM uses `audience`.
    request.audiences.forEach((a) => parameters.append('audience', a));
    request.resources.forEach((r) => parameters.append('resource', r));
    const requestedType = tokenTypeUrn(request.requestedTokenType);
    if (requestedType) parameters.set('requested_token_type', requestedType);
    const response = await connection.call('token_exchange', (config) => oidc.genericGrantRequest(config, TOKEN_EXCHANGE_GRANT, parameters), { safe: false });
    const shaped = shapeTokens(response, request.scopes, connection.config.clientId);
    const issued = typeof response.issued_token_type === 'string' ? response.issued_token_type : undefined;
    return { tokenSet: shaped.tokenSet, issuedTokenType: tokenTypeFromUrn(issued), refusedScopes: shaped.refusedScopes };
  }

  async clientCredentials(request: idpgatewayV1.ClientCredentialsRequest): Promise<MessageInitShape<typeof idpgatewayV1.ClientCredentialsResponseSchema>> {
    const connection = this.providers.get(request.provider);
    const parameters = new URLSearchParams();
    if (request.scopes.length > 0) parameters.set('scope', request.scopes.join(' '));
    addAudiences(parameters, connection.config.type, request.audiences);
    const response = await connection.call('client_credentials', (config) => oidc.clientCredentialsGrant(config, parameters), { safe: true });
    const shaped = shapeTokens(response, request.scopes, connection.config.clientId);
    return { tokenSet: shaped.tokenSet, refusedScopes: shaped.refusedScopes };
  }

  async revoke(request: idpgatewayV1.RevokeTokenRequest): Promise<MessageInitShape<typeof idpgatewayV1.RevokeTokenResponseSchema>> {
    const connection = this.providers.get(request.provider);
    required(request.provider, request.token, 'token');
    if ((await connection.metadata()).revocation_endpoint === undefined) return { revocationSupported: false };
    const hint = tokenTypeHint(request.tokenTypeHint);
    await connection.call('revocation', (config) => oidc.tokenRevocation(config, request.token, hint ? { token_type_hint: hint } : {}), { safe: true });
    return { revocationSupported: true };
  }
}

/**
 * Audiences as the IdP type expects them: EGI Check-In takes RFC 8707 `resource` indicators, INDIGO
 * IAM and generic IdPs an `audience` parameter (space-separated, as IAM reads it).
 */
function addAudiences(parameters: URLSearchParams, type: IdpType, audiences: readonly string[]): void {
  if (audiences.length === 0) return;
  if (type === 'checkin') audiences.forEach((a) => parameters.append('resource', a));
  else parameters.set('audience', audiences.join(' '));
}

/** A captured token answer that rotated `sent`, as a token response without its ID token. */
function withoutIdToken(body: Record<string, unknown> | undefined, sent: string): oidc.TokenEndpointResponse | undefined {
  const text = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const refreshToken = text(body?.refresh_token);
  if (!body || refreshToken === undefined || refreshToken === sent) return undefined;
  return {
    access_token: text(body.access_token) ?? '',
    token_type: (text(body.token_type) ?? 'bearer').toLowerCase() as Lowercase<string>,
    refresh_token: refreshToken,
    ...(text(body.scope) === undefined ? {} : { scope: text(body.scope) }),
    ...(typeof body.expires_in === 'number' ? { expires_in: body.expires_in } : {}),
    ...(typeof body.refresh_expires_in === 'number' ? { refresh_expires_in: body.refresh_expires_in } : {}),
  };
}

function required(provider: string, value: string, name: string): void {
  if (value === '') throw new IdpError({ kind: IdpErrorKind.INVALID_REQUEST, provider, message: `${name} is required` });
}
