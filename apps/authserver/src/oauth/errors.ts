/**
 * OAuth errors, named after their RFC codes (RFC 6749 §5.2, RFC 8628 §3.5, RFC 8693 §2.2.2,
 * RFC 7009 §2.2.1, RFC 6750 §3.1). `description` is public and goes into `error_description`;
 * `detail` is for the log only. The HTTP edge renders them once (`renderOAuthError`); anything
 * else thrown becomes `server_error` with nothing of it shown.
 */
export class OAuthError extends Error {
  override readonly name: string = 'OAuthError';
  /** The `error` code. */
  readonly error: string;
  readonly status: number;
  /** Public: safe to show the client. Never holds a token or a third party's words. */
  readonly description: string;
  /** Private: for the log. */
  readonly detail: string | undefined;

  constructor(error: string, status: number, description: string, options: { detail?: string; cause?: unknown } = {}) {
    super(`${error}: ${description}`, { cause: options.cause });
    this.error = error;
    this.status = status;
    this.description = description;
    this.detail = options.detail;
  }
}

type OAuthErrorClass = new (description: string, options?: { detail?: string; cause?: unknown }) => OAuthError;

function E(error: string, status: number): OAuthErrorClass {
  return class extends OAuthError {
    constructor(description: string, options?: { detail?: string; cause?: unknown }) {
      super(error, status, description, options);
    }
  };
}

export const InvalidRequest = E('invalid_request', 400);
/** RFC 6749 §5.2: 401 with WWW-Authenticate when the client tried the Authorization header. */
export const InvalidClient = E('invalid_client', 401);
export const InvalidGrant = E('invalid_grant', 400);
export const UnauthorizedClient = E('unauthorized_client', 400);
export const UnsupportedGrantType = E('unsupported_grant_type', 400);
export const UnsupportedResponseType = E('unsupported_response_type', 400);
export const InvalidScope = E('invalid_scope', 400);
export const InvalidTarget = E('invalid_target', 400);
export const AccessDenied = E('access_denied', 400);
export const AuthorizationPending = E('authorization_pending', 400);
export const SlowDown = E('slow_down', 400);
export const ExpiredToken = E('expired_token', 400);
export const UnsupportedTokenType = E('unsupported_token_type', 400);
/** RFC 6750 §3.1, for the userinfo endpoint. */
export const InvalidToken = E('invalid_token', 401);
export const ServerError = E('server_error', 500);
export const TemporarilyUnavailable = E('temporarily_unavailable', 503);
