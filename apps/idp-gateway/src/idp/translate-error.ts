import * as oidc from 'openid-client';
import { describeFailure, IdpError, IdpErrorKind, oauthErrorCode, type IdpErrorInit, type IdpErrorKindValue } from './idp-error.js';

/** OAuth error codes (RFC 6749 §5.2, RFC 8693 §2.2.2, RFC 8707 §2, OIDC Core §3.1.2.6). A Map: an
 * IdP's `error` is looked up, and must not find `constructor` on a prototype. */
const OAUTH_KIND = new Map<string, IdpErrorKindValue>([
  ['invalid_grant', IdpErrorKind.INVALID_GRANT],
  ['invalid_request', IdpErrorKind.INVALID_REQUEST],
  ['invalid_scope', IdpErrorKind.INVALID_REQUEST],
  ['invalid_target', IdpErrorKind.INVALID_REQUEST],
  ['unsupported_grant_type', IdpErrorKind.UNSUPPORTED],
  ['unsupported_token_type', IdpErrorKind.UNSUPPORTED],
  ['unauthorized_client', IdpErrorKind.UNSUPPORTED],
  ['access_denied', IdpErrorKind.ACCESS_DENIED],
  ['login_required', IdpErrorKind.ACCESS_DENIED],
  ['consent_required', IdpErrorKind.ACCESS_DENIED],
  ['interaction_required', IdpErrorKind.ACCESS_DENIED],
  ['server_error', IdpErrorKind.PROVIDER_ERROR],
  ['temporarily_unavailable', IdpErrorKind.PROVIDER_ERROR],
]);

const PUBLIC: Record<IdpErrorKindValue, (idp: string) => string> = {
  [IdpErrorKind.UNSPECIFIED]: (idp) => `the gateway failed while calling identity provider ${idp}`,
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

/**
 * The `cause.code`s of a failed fetch (undici's "fetch failed" or "terminated" TypeError) that mean
 * the IdP or the way to it is in trouble. Any other TypeError is a bug, e.g. openid-client refusing
 * an argument, and says nothing about the IdP.
 */
const NETWORK_FAILURES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN', 'ENETDOWN',
  'ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EPROTO',
  'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_SOCKET', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CLOSED',
  'UND_ERR_HEADERS_OVERFLOW', 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH', 'UND_ERR_RES_EXCEEDED_MAX_SIZE',
  'UNABLE_TO_GET_ISSUER_CERT', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN', 'HOSTNAME_MISMATCH',
]);
const TLS_FAILURE = /^(CERT_|ERR_TLS_|ERR_SSL_)[A-Z0-9_]+$/;

/**
 * Network failures that prove the request never left: no connection was made (refused, no such
 * host, no connection within undici's connect timeout) or the IdP's certificate was refused during
 * the handshake, before undici writes a byte of the request. Every other failure (a reset, a timeout,
 * any other TLS error, which may come mid-stream) may have reached the IdP.
 */
const NEVER_SENT = new Set([
  'ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'UND_ERR_CONNECT_TIMEOUT',
  'UNABLE_TO_GET_ISSUER_CERT', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN', 'HOSTNAME_MISMATCH', 'ERR_TLS_CERT_ALTNAME_INVALID',
]);
const CERTIFICATE_REFUSED = /^CERT_[A-Z0-9_]+$/;

export interface CallOutcome {
  /** The caller's own deadline or cancellation ended the call. */
  aborted: boolean;
  /** The call may be repeated (discovery, client credentials, revocation); refresh, token exchange
   * and code redemption may not: the IdP may have acted on a request whose answer was lost. */
  safe: boolean;
}

/** True when the IdP refused our client authentication: the next configured secret may work. */
export function isInvalidClient(error: unknown): boolean {
  return (
    (error instanceof oidc.ResponseBodyError && error.error === 'invalid_client') ||
    (error instanceof oidc.WWWAuthenticateChallengeError && error.cause.some((c) => c.parameters.error === 'invalid_client'))
  );
}

/**
 * Translates whatever openid-client or fetch threw into an IdpError. Details and messages are
 * built from codes only (kind, HTTP status, OAuth error code, failure code): the IdP's
 * `error_description` and the messages of openid-client and fetch errors may quote the IdP's
 * answer or our request, so none of them is kept. `retryable` tells the caller it may send the
 * same request again: for a call that is not safe to repeat, only when the request never left.
 */
export function translateError(provider: string, error: unknown, { aborted, safe }: CallOutcome): IdpError {
  if (error instanceof IdpError) return error;
  const make = (kind: IdpErrorKindValue, extra: Partial<IdpErrorInit> = {}) =>
    new IdpError({ kind, provider, message: PUBLIC[kind](provider), cause: error, detail: describeFailure({ kind, ...extra }), ...extra });
  const unverified = (reason: string | undefined) =>
    make(IdpErrorKind.PROVIDER_ERROR, { reason, message: `identity provider ${provider} returned an answer that failed verification` });

  if (error instanceof oidc.ResponseBodyError) {
    const code = oauthErrorCode(error.error);
    const kind = (code === undefined ? undefined : OAUTH_KIND.get(code)) ?? (error.status >= 500 ? IdpErrorKind.PROVIDER_ERROR : IdpErrorKind.INVALID_REQUEST);
    const serverSide = kind === IdpErrorKind.PROVIDER_ERROR;
    return make(kind, {
      oauthError: code,
      httpStatus: error.status,
      retryable: serverSide && safe,
      countsAsOutage: serverSide,
      ...(code === undefined ? {} : { message: `${PUBLIC[kind](provider)} (${code})` }),
    });
  }
  if (error instanceof oidc.AuthorizationResponseError) {
    const code = oauthErrorCode(error.error);
    const kind = (code === undefined ? undefined : OAUTH_KIND.get(code)) ?? IdpErrorKind.INVALID_REQUEST;
    return make(kind, { oauthError: code, ...(code === undefined ? {} : { message: `${PUBLIC[kind](provider)} (${code})` }) });
  }
  if (error instanceof oidc.WWWAuthenticateChallengeError) {
    return make(IdpErrorKind.PROVIDER_ERROR, { httpStatus: error.status, oauthError: 'invalid_client' });
  }
  if (error instanceof oidc.ClientError) {
    switch (error.code) {
      case 'OAUTH_TIMEOUT':
        return make(IdpErrorKind.TIMEOUT, { reason: error.code, retryable: safe, countsAsOutage: true });
      case 'OAUTH_ABORT':
        return make(aborted ? IdpErrorKind.TIMEOUT : IdpErrorKind.UNREACHABLE, { reason: error.code, retryable: safe, countsAsOutage: !aborted });
      case 'OAUTH_RESPONSE_IS_NOT_CONFORM':
      case 'OAUTH_RESPONSE_IS_NOT_JSON': {
        const status = error.cause instanceof Response ? error.cause.status : undefined;
        const serverSide = status === undefined || status >= 500 || status === 429;
        return make(IdpErrorKind.PROVIDER_ERROR, { reason: error.code, httpStatus: status, retryable: serverSide && safe, countsAsOutage: serverSide });
      }
      default:
        if (aborted) return make(IdpErrorKind.TIMEOUT, { reason: error.code });
        // Verification failures (ID token signature or claims, issuer, state): the answer is not
        // trustworthy, and asking again would not make it so.
        return unverified(error.code);
    }
  }
  if (error instanceof TypeError) {
    const code = (error.cause as { code?: unknown } | undefined)?.code;
    if (typeof code === 'string' && (NETWORK_FAILURES.has(code) || TLS_FAILURE.test(code))) {
      const neverSent = NEVER_SENT.has(code) || CERTIFICATE_REFUSED.test(code);
      return make(IdpErrorKind.UNREACHABLE, { reason: code, retryable: safe || neverSent, countsAsOutage: true });
    }
    // oauth4webapi's base64url decoder, on a JWT segment it did not parse itself (the signature).
    if (isUndecodable(error)) return unverified('ERR_INVALID_ARG_VALUE');
    // A bug (an argument openid-client refused, say): INTERNAL, and no word on the IdP's health.
    return make(IdpErrorKind.UNSPECIFIED);
  }
  if (error instanceof DOMException && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
    return make(IdpErrorKind.TIMEOUT, { reason: error.name === 'TimeoutError' ? 'TIMEOUT' : 'ABORT', retryable: safe, countsAsOutage: error.name === 'TimeoutError' });
  }
  // Not openid-client's nor fetch's (openid-client wraps everything else in a ClientError): ours.
  return make(IdpErrorKind.UNSPECIFIED);
}

function isUndecodable(error: TypeError): boolean {
  const cause = error.cause;
  return (error as { code?: unknown }).code === 'ERR_INVALID_ARG_VALUE' && (cause instanceof SyntaxError || (cause instanceof DOMException && cause.name === 'InvalidCharacterError'));
}
