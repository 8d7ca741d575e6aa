import { idpgatewayV1 } from '@tessera/contracts';
import { IdpGatewayError } from '../upstream/idp-gateway-error.js';
import { TokenError, TokenErrorReason } from './token-errors.js';

/** A refused exchange is about the audience or scopes asked for, never about the stored grant. */
export function exchangeFailure(error: unknown, about: { userId?: string; provider: string }, audience: string): TokenError {
  const failure = refreshFailure(error, about);
  if (failure.reason !== TokenErrorReason.GRANT_REJECTED && failure.reason !== TokenErrorReason.SCOPE_REFUSED) return failure;
  const oauthError = error instanceof IdpGatewayError ? error.oauthError : '';
  return new TokenError(TokenErrorReason.SCOPE_REFUSED, `${about.provider} refused to exchange for ${audience} (${oauthError || 'refused'})`, { ...about, oauthError });
}

/** The gateway's failure in GetToken's terms (the one adapter from IdpErrorDetail to TokenErrorDetail). */
export function refreshFailure(error: unknown, about: { userId?: string; provider: string }): TokenError {
  if (!(error instanceof IdpGatewayError)) {
    // The gateway itself did not answer: retrying GetToken is safe, it re-reads the stored token.
    return new TokenError(TokenErrorReason.IDP_UNAVAILABLE, 'the idp-gateway is unavailable; retry later', { ...about, retryable: true });
  }
  const context = { ...about, oauthError: error.oauthError, retryable: error.retryable, ...(error.retryAfterMs === undefined ? {} : { retryAfterMs: error.retryAfterMs }) };
  switch (error.kind) {
    case idpgatewayV1.IdpErrorKind.INVALID_GRANT:
      return new TokenError(TokenErrorReason.GRANT_REJECTED, `${about.provider} rejected the stored grant: the user must log in again`, { ...context, retryable: false });
    case idpgatewayV1.IdpErrorKind.ACCESS_DENIED:
    case idpgatewayV1.IdpErrorKind.INVALID_REQUEST:
      return new TokenError(TokenErrorReason.SCOPE_REFUSED, `${about.provider} refused the request (${error.oauthError || 'invalid request'})`, context);
    default:
      return new TokenError(TokenErrorReason.IDP_UNAVAILABLE, error.message, { ...context, retryable: true });
  }
}
