import { durationFromMs } from '@bufbuild/protobuf/wkt';
import { idpgatewayV1 } from '@tessera/contracts';
import { Code, ServiceError } from '@tessera/rpc';

const { IdpErrorKind, IdpErrorDetailSchema } = idpgatewayV1;
export { IdpErrorKind };
export type IdpErrorKindValue = idpgatewayV1.IdpErrorKind;

/** The gRPC code for each kind, as documented on IdpErrorKind in the contract. */
const CODE: Record<IdpErrorKindValue, Code> = {
  [IdpErrorKind.UNSPECIFIED]: Code.Internal,
  [IdpErrorKind.UNREACHABLE]: Code.Unavailable,
  [IdpErrorKind.TIMEOUT]: Code.DeadlineExceeded,
  [IdpErrorKind.INVALID_GRANT]: Code.FailedPrecondition,
  [IdpErrorKind.INVALID_REQUEST]: Code.InvalidArgument,
  [IdpErrorKind.UNKNOWN_PROVIDER]: Code.NotFound,
  [IdpErrorKind.PROVIDER_ERROR]: Code.Unavailable,
  [IdpErrorKind.CIRCUIT_OPEN]: Code.Unavailable,
  [IdpErrorKind.ACCESS_DENIED]: Code.PermissionDenied,
  [IdpErrorKind.UNSUPPORTED]: Code.FailedPrecondition,
};

/** RFC 6749 §5.2 (Appendix A.7): `error = 1*NQSCHAR`. Registered codes are far shorter than the cap. */
const OAUTH_ERROR_CODE = /^[\x20-\x21\x23-\x5B\x5D-\x7E]+$/;
const OAUTH_ERROR_CODE_MAX = 64;
/** A failure code: a Node, undici or openid-client constant such as ECONNREFUSED. */
const FAILURE_CODE = /^[A-Z][A-Z0-9_]{0,63}$/;

/**
 * The IdP's OAuth error code when it is a well-formed one (RFC 6749 §5.2), else undefined. The
 * code travels to callers, logs and ListProviders; an IdP's free text never does.
 */
export function oauthErrorCode(value: unknown): string | undefined {
  return typeof value === 'string' && value.length <= OAUTH_ERROR_CODE_MAX && OAUTH_ERROR_CODE.test(value) ? value : undefined;
}

export interface IdpErrorInit {
  kind: IdpErrorKindValue;
  provider: string;
  /** Public: reaches the caller. Never a token. */
  message: string;
  /** Private: logs only. Our own words, never text the IdP wrote. */
  detail?: string;
  /** Checked with {@link oauthErrorCode}; dropped when malformed. */
  oauthError?: string | undefined;
  httpStatus?: number | undefined;
  /** A code naming the failure (ECONNREFUSED, OAUTH_INVALID_RESPONSE); dropped unless it looks like one. */
  reason?: string | undefined;
  retryable?: boolean;
  retryAfterMs?: number;
  /** Whether this failure says something about the IdP's health (counts for the breaker). */
  countsAsOutage?: boolean;
  cause?: unknown;
}

/**
 * The closed set of ways a call to an IdP can fail (STYLE §3: one error base per domain). Every
 * openid-client or network error is translated into one of these at the adapter, so nothing above
 * it knows about HTTP or OAuth error bodies. The IdP's `error_description` is never kept: it is the
 * IdP's text and may quote the request (a refresh token), so `oauth_error_description` stays empty.
 */
export class IdpError extends ServiceError {
  override readonly name = 'IdpError';
  readonly kind: IdpErrorKindValue;
  readonly provider: string;
  readonly retryable: boolean;
  readonly countsAsOutage: boolean;
  readonly oauthError: string | undefined;
  readonly httpStatus: number | undefined;
  readonly reason: string | undefined;

  constructor(init: IdpErrorInit) {
    const retryable = init.retryable ?? false;
    const oauthError = oauthErrorCode(init.oauthError);
    super(CODE[init.kind], init.message, init.detail, {
      cause: init.cause,
      // The contract: UNSPECIFIED is never sent. It is our bug; the caller sees INTERNAL only.
      details: init.kind === IdpErrorKind.UNSPECIFIED ? [] : [
        {
          desc: IdpErrorDetailSchema,
          value: {
            kind: init.kind,
            provider: init.provider,
            oauthError: oauthError ?? '',
            httpStatus: init.httpStatus ?? 0,
            retryable,
            ...(init.retryAfterMs === undefined ? {} : { retryAfter: durationFromMs(init.retryAfterMs) }),
          },
        },
      ],
    });
    this.kind = init.kind;
    this.provider = init.provider;
    this.retryable = retryable;
    this.countsAsOutage = init.countsAsOutage ?? false;
    this.oauthError = oauthError;
    this.httpStatus = init.httpStatus;
    this.reason = init.reason !== undefined && FAILURE_CODE.test(init.reason) ? init.reason : undefined;
  }

  /**
   * What failed, in our own words only: the kind, the HTTP status, the OAuth error code and the
   * failure code, e.g. "provider_error, HTTP 500, server_error". Safe for shared state (the
   * breaker's `lastFailure`, shown by ListProviders) and for logs.
   */
  get summary(): string {
    return describeFailure(this);
  }
}

/** See {@link IdpError.summary}; for building an IdpError's detail before it exists. */
export function describeFailure(failure: Pick<IdpErrorInit, 'kind' | 'httpStatus' | 'oauthError' | 'reason'>): string {
  const reason = failure.reason !== undefined && FAILURE_CODE.test(failure.reason) ? failure.reason : undefined;
  const status = Number.isInteger(failure.httpStatus) && failure.httpStatus !== 0 ? `HTTP ${failure.httpStatus}` : undefined;
  return [(IdpErrorKind[failure.kind] ?? 'UNSPECIFIED').toLowerCase(), status, oauthErrorCode(failure.oauthError), reason].filter((p) => p !== undefined).join(', ');
}
