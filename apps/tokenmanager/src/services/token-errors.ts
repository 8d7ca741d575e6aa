import { durationFromMs } from '@bufbuild/protobuf/wkt';
import { tokenmanagerV1 } from '@tessera/contracts';
import { Code, ServiceError } from '@tessera/rpc';

const { TokenErrorReason, TokenErrorDetailSchema } = tokenmanagerV1;
export { TokenErrorReason };

/** The gRPC code each reason comes with (the contract's TokenErrorReason). */
const CODE: Record<tokenmanagerV1.TokenErrorReason, Code> = {
  [TokenErrorReason.UNSPECIFIED]: Code.Internal,
  [TokenErrorReason.NO_STORED_TOKEN]: Code.FailedPrecondition,
  [TokenErrorReason.REFRESH_TOKEN_EXPIRED]: Code.FailedPrecondition,
  [TokenErrorReason.GRANT_REJECTED]: Code.FailedPrecondition,
  [TokenErrorReason.NO_PROVIDER]: Code.InvalidArgument,
  [TokenErrorReason.NOT_A_MEMBER]: Code.PermissionDenied,
  [TokenErrorReason.LIFETIME_UNATTAINABLE]: Code.FailedPrecondition,
  [TokenErrorReason.SCOPE_REFUSED]: Code.PermissionDenied,
  [TokenErrorReason.IDP_UNAVAILABLE]: Code.Unavailable,
  [TokenErrorReason.RATE_LIMITED]: Code.ResourceExhausted,
  [TokenErrorReason.INVALID_REQUEST]: Code.InvalidArgument,
  [TokenErrorReason.TOKENDB_UNAVAILABLE]: Code.Unavailable,
};

export interface TokenErrorContext {
  /** The code, when the reason allows several (INVALID_REQUEST: NOT_FOUND, ABORTED, …). */
  code?: Code;
  userId?: string;
  provider?: string;
  oauthError?: string;
  retryable?: boolean;
  retryAfterMs?: number;
}

/** A token request refused for a reason the caller can act on, with its TokenErrorDetail. */
export class TokenError extends ServiceError {
  override readonly name = 'TokenError';
  constructor(
    readonly reason: tokenmanagerV1.TokenErrorReason,
    message: string,
    context: TokenErrorContext = {},
  ) {
    super(context.code ?? CODE[reason], message, undefined, {
      details: [
        {
          desc: TokenErrorDetailSchema,
          value: {
            reason,
            userId: context.userId ?? '',
            provider: context.provider ?? '',
            oauthError: context.oauthError ?? '',
            retryable: context.retryable ?? false,
            ...(context.retryAfterMs === undefined ? {} : { retryAfter: durationFromMs(context.retryAfterMs) }),
          },
        },
      ],
    });
  }
}

/** A token method's failure that carries no TokenErrorDetail yet, given one: the contract's
 * promise that every failure a handler answers has it. The code and message stay as they were. */
export function withTokenErrorDetail(error: unknown, about: { userId?: string; provider?: string }): unknown {
  if (!(error instanceof ServiceError) || error.details.length > 0) return error;
  const reason = error.code === Code.Unavailable ? TokenErrorReason.TOKENDB_UNAVAILABLE : TokenErrorReason.INVALID_REQUEST;
  if (error.code === Code.Unavailable || [Code.InvalidArgument, Code.NotFound, Code.PermissionDenied, Code.Aborted].includes(error.code)) {
    return new TokenError(reason, error.message, { ...about, code: error.code, retryable: error.code === Code.Unavailable || error.code === Code.Aborted });
  }
  return error;
}
