import type { Duration } from '@bufbuild/protobuf/wkt';
import { idpgatewayV1 } from '@tessera/contracts';
import { Code, ServiceError, type ConnectError } from '@tessera/rpc';

const { IdpErrorKind, IdpErrorDetailSchema } = idpgatewayV1;
type Kind = idpgatewayV1.IdpErrorKind;

/** What tokenmanager's own callers are told for each way the gateway's IdP call failed. */
const ANSWER: Record<Kind, [Code, (idp: string) => string]> = {
  [IdpErrorKind.UNSPECIFIED]: [Code.Internal, () => 'internal error'],
  [IdpErrorKind.UNREACHABLE]: [Code.Unavailable, (idp) => `identity provider ${idp} is unreachable; retry later`],
  [IdpErrorKind.TIMEOUT]: [Code.Unavailable, (idp) => `identity provider ${idp} did not answer in time; retry later`],
  [IdpErrorKind.PROVIDER_ERROR]: [Code.Unavailable, (idp) => `identity provider ${idp} failed; retry later`],
  [IdpErrorKind.CIRCUIT_OPEN]: [Code.Unavailable, (idp) => `identity provider ${idp} is failing; calls are paused, retry later`],
  [IdpErrorKind.INVALID_GRANT]: [Code.FailedPrecondition, (idp) => `identity provider ${idp} no longer accepts the stored token: the user must log in again`],
  [IdpErrorKind.ACCESS_DENIED]: [Code.PermissionDenied, (idp) => `identity provider ${idp} denied access`],
  [IdpErrorKind.INVALID_REQUEST]: [Code.InvalidArgument, (idp) => `identity provider ${idp} refused the request as invalid`],
  [IdpErrorKind.UNKNOWN_PROVIDER]: [Code.FailedPrecondition, (idp) => `the idp-gateway has no identity provider named ${idp}`],
  [IdpErrorKind.UNSUPPORTED]: [Code.FailedPrecondition, (idp) => `identity provider ${idp} does not support this`],
};

/**
 * An IdP operation that the idp-gateway reported as failed, in tokenmanager's terms: the kind of
 * failure (the gateway's closed set), whether repeating it is safe, and when. It is a ServiceError
 * whose code and message are tokenmanager's own, so escaping a handler it answers the caller with
 * something to act on ("log in again", "retry later") and nothing of the IdP's words.
 */
export class IdpGatewayError extends ServiceError {
  override readonly name = 'IdpGatewayError';
  readonly kind: Kind;
  readonly provider: string;
  /** The OAuth error code the IdP answered, if any (`invalid_grant`, …). */
  readonly oauthError: string;
  /** False once a refresh or exchange may have reached the IdP: never resend such a token. */
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;

  constructor(detail: idpgatewayV1.IdpErrorDetail, cause: ConnectError) {
    const [code, message] = ANSWER[detail.kind] ?? ANSWER[IdpErrorKind.UNSPECIFIED];
    super(code, message(detail.provider), `idp-gateway: ${IdpErrorKind[detail.kind]} ${detail.oauthError}`.trim(), { cause });
    this.kind = detail.kind;
    this.provider = detail.provider;
    this.oauthError = detail.oauthError;
    this.retryable = detail.retryable;
    this.retryAfterMs = detail.retryAfter ? millis(detail.retryAfter) : undefined;
  }
}

/** The error translator for tokenmanager's client of the idp-gateway (libs/rpc ErrorTranslator). */
export function translateIdpGatewayError(error: ConnectError): IdpGatewayError | undefined {
  const [detail] = error.findDetails(IdpErrorDetailSchema);
  return detail ? new IdpGatewayError(detail, error) : undefined;
}

function millis(duration: Duration): number {
  return Number(duration.seconds) * 1000 + Math.floor(duration.nanos / 1e6);
}
