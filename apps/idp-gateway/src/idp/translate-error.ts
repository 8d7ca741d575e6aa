import * as oidc from 'openid-client';
import { IdpError, IdpErrorKind, type IdpErrorKindValue } from './idp-error.js';

/** OAuth error codes (RFC 6749 §5.2, RFC 8693 §2.2.2, RFC 8707 §2, OIDC Core §3.1.2.6). */
const OAUTH_KIND: Record<string, IdpErrorKindValue> = {
  invalid_grant: IdpErrorKind.INVALID_GRANT,
  invalid_request: IdpErrorKind.INVALID_REQUEST,
  invalid_scope: IdpErrorKind.INVALID_REQUEST,
  invalid_target: IdpErrorKind.INVALID_REQUEST,
  unsupported_grant_type: IdpErrorKind.UNSUPPORTED,
  unsupported_token_type: IdpErrorKind.UNSUPPORTED,
  unauthorized_client: IdpErrorKind.UNSUPPORTED,
  access_denied: IdpErrorKind.ACCESS_DENIED,
  login_required: IdpErrorKind.ACCESS_DENIED,
  consent_required: IdpErrorKind.ACCESS_DENIED,
  interaction_required: IdpErrorKind.ACCESS_DENIED,
  server_error: IdpErrorKind.PROVIDER_ERROR,
  temporarily_unavailable: IdpErrorKind.PROVIDER_ERROR,
};

const PUBLIC: Record<IdpErrorKindValue, (idp: string) => string> = {
  [IdpErrorKind.UNSPECIFIED]: (idp) => `${idp} failed`,
  [IdpErrorKind.UNREACHABLE]: (idp) => `identity provider ${idp} is unreachable; retry later`,
  [IdpErrorKind.TIMEOUT]: (idp) => `identity provider ${idp} did not answer in time`,
  [IdpErrorKind.INVALID_GRANT]: (idp) => `identity provider ${idp} no longer accepts this grant: the user must log in again`,
  [IdpErrorKind.INVALID_REQUEST]: (idp) => `identity provider ${idp} refused the request as invalid`,
  [IdpErrorKind.UNKNOWN_PROVIDER]: (idp) => `no identity provider named ${idp}`,
  [IdpErrorKind.PROVIDER_ERROR]: (idp) => `identity provider ${idp} answered with an error; retry later`,
  [IdpErrorKind.CIRCUIT_OPEN]: (idp) => `identity provider ${idp} is failing; calls are paused`,
  [IdpErrorKind.ACCESS_DENIED]: (idp) => `identity provider ${idp} denied access`,
  [IdpErrorKind.UNSUPPORTED]: (idp) => `identity provider ${idp} does not support this`,
};

/** True when the IdP refused our client authentication: the next configured secret may work. */
export function isInvalidClient(error: unknown): boolean {
  return (
    (error instanceof oidc.ResponseBodyError && error.error === 'invalid_client') ||
    (error instanceof oidc.WWWAuthenticateChallengeError && error.cause.some((c) => c.parameters.error === 'invalid_client'))
  );
}

/**
 * Translates whatever openid-client or fetch threw into an IdpError. `aborted` tells whether the
 * caller's own deadline or cancellation ended the call. OAuth error descriptions are kept only
 * in the detail: they are the IdP's words and may quote the request.
 */
export function translateError(provider: string, error: unknown, aborted: boolean): IdpError {
  if (error instanceof IdpError) return error;
  const make = (kind: IdpErrorKindValue, extra: Partial<ConstructorParameters<typeof IdpError>[0]> = {}) =>
    new IdpError({ kind, provider, message: PUBLIC[kind](provider), cause: error, ...extra });

  if (error instanceof oidc.ResponseBodyError) {
    const kind = OAUTH_KIND[error.error] ?? (error.status >= 500 ? IdpErrorKind.PROVIDER_ERROR : IdpErrorKind.INVALID_REQUEST);
    const serverSide = kind === IdpErrorKind.PROVIDER_ERROR;
    return make(kind, {
      oauthError: error.error,
      httpStatus: error.status,
      detail: `${error.error}: ${error.error_description ?? ''}`,
      retryable: serverSide,
      countsAsOutage: serverSide,
      message: `${PUBLIC[kind](provider)} (${error.error})`,
    });
  }
  if (error instanceof oidc.AuthorizationResponseError) {
    const kind = OAUTH_KIND[error.error] ?? IdpErrorKind.INVALID_REQUEST;
    return make(kind, { oauthError: error.error, detail: error.error_description, message: `${PUBLIC[kind](provider)} (${error.error})` });
  }
  if (error instanceof oidc.WWWAuthenticateChallengeError) {
    return make(IdpErrorKind.PROVIDER_ERROR, { httpStatus: error.status, oauthError: 'invalid_client', detail: 'client authentication refused' });
  }
  if (error instanceof oidc.ClientError) {
    switch (error.code) {
      case 'OAUTH_TIMEOUT':
        return make(IdpErrorKind.TIMEOUT, { retryable: true, countsAsOutage: true });
      case 'OAUTH_ABORT':
        return make(aborted ? IdpErrorKind.TIMEOUT : IdpErrorKind.UNREACHABLE, { retryable: true, countsAsOutage: !aborted });
      case 'OAUTH_RESPONSE_IS_NOT_CONFORM':
      case 'OAUTH_RESPONSE_IS_NOT_JSON': {
        const status = error.cause instanceof Response ? error.cause.status : undefined;
        const serverSide = status === undefined || status >= 500 || status === 429;
        return make(IdpErrorKind.PROVIDER_ERROR, { httpStatus: status, retryable: serverSide, countsAsOutage: serverSide, detail: error.message });
      }
      default:
        if (aborted) return make(IdpErrorKind.TIMEOUT, { detail: error.message });
        // Verification failures (ID token claims, issuer, state): the answer is not trustworthy,
        // and asking again would not make it so.
        return make(IdpErrorKind.PROVIDER_ERROR, {
          detail: `${error.code ?? 'client error'}: ${error.message}`,
          message: `identity provider ${provider} returned an answer that failed verification`,
        });
    }
  }
  if (error instanceof TypeError) {
    // fetch's "fetch failed": DNS, refused connection, TLS, reset.
    const code = (error.cause as { code?: string } | undefined)?.code;
    return make(IdpErrorKind.UNREACHABLE, { retryable: true, countsAsOutage: true, detail: code ?? error.message });
  }
  if (error instanceof DOMException && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
    return make(IdpErrorKind.TIMEOUT, { retryable: true, countsAsOutage: error.name === 'TimeoutError' });
  }
  return make(IdpErrorKind.PROVIDER_ERROR, { detail: error instanceof Error ? error.message : String(error) });
}
