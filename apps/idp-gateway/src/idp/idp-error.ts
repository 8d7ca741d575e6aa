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

export interface IdpErrorInit {
  kind: IdpErrorKindValue;
  provider: string;
  /** Public: reaches the caller. Never a token. */
  message: string;
  /** Private: logs only. */
  detail?: string;
  oauthError?: string;
  oauthErrorDescription?: string;
  httpStatus?: number;
  retryable?: boolean;
  retryAfterMs?: number;
  /** Whether this failure says something about the IdP's health (counts for the breaker). */
  countsAsOutage?: boolean;
  cause?: unknown;
}

/**
 * The closed set of ways a call to an IdP can fail (STYLE §3: one error base per domain). Every
 * openid-client or network error is translated into one of these at the adapter, so nothing above
 * it knows about HTTP or OAuth error bodies.
 */
export class IdpError extends ServiceError {
  override readonly name = 'IdpError';
  readonly kind: IdpErrorKindValue;
  readonly provider: string;
  readonly retryable: boolean;
  readonly countsAsOutage: boolean;
  readonly oauthError: string | undefined;

  constructor(init: IdpErrorInit) {
    const retryable = init.retryable ?? false;
    super(CODE[init.kind], init.message, init.detail, {
      cause: init.cause,
      details: [
        {
          desc: IdpErrorDetailSchema,
          value: {
            kind: init.kind,
            provider: init.provider,
            oauthError: init.oauthError ?? '',
            oauthErrorDescription: init.oauthErrorDescription ?? '',
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
    this.oauthError = init.oauthError;
  }
}
