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
};

export interface TokenErrorContext {
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
    super(CODE[reason], message, undefined, {
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
