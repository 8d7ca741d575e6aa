import type { DescMessage, MessageInitShape } from '@bufbuild/protobuf';
import { Code, ConnectError } from '@connectrpc/connect';

/** A typed detail sent with an error (google.rpc.Status details), for callers to act on. */
export interface ErrorDetail<Desc extends DescMessage = DescMessage> {
  desc: Desc;
  value: MessageInitShape<Desc>;
}

export { Code, ConnectError } from '@connectrpc/connect';

/**
 * The base of every error a handler throws on purpose. `message` is public: it reaches the caller
 * and must help a person act. `detail` is private: it reaches the logs only. Neither may contain
 * a token.
 */
export class ServiceError extends Error {
  override readonly name: string = 'ServiceError';
  /** Typed details for the caller (e.g. which IdP failed and whether to retry). */
  readonly details: readonly ErrorDetail[];
  constructor(
    readonly code: Code,
    message: string,
    readonly detail?: string,
    options?: { cause?: unknown; details?: readonly ErrorDetail[] },
  ) {
    super(message, options);
    this.details = options?.details ?? [];
  }
}

export class InvalidArgumentError extends ServiceError {
  override readonly name = 'InvalidArgumentError';
  constructor(message: string, detail?: string) {
    super(Code.InvalidArgument, message, detail);
  }
}

export class NotFoundError extends ServiceError {
  override readonly name = 'NotFoundError';
  constructor(message: string, detail?: string) {
    super(Code.NotFound, message, detail);
  }
}

export class PermissionDeniedError extends ServiceError {
  override readonly name = 'PermissionDeniedError';
  constructor(message: string, detail?: string) {
    super(Code.PermissionDenied, message, detail);
  }
}

export class UnauthenticatedError extends ServiceError {
  override readonly name = 'UnauthenticatedError';
  constructor(message: string, detail?: string) {
    super(Code.Unauthenticated, message, detail);
  }
}

export class FailedPreconditionError extends ServiceError {
  override readonly name = 'FailedPreconditionError';
  constructor(message: string, detail?: string) {
    super(Code.FailedPrecondition, message, detail);
  }
}

/** A conditional write lost to another writer (an etag that no longer matches): read and retry. */
export class AbortedError extends ServiceError {
  override readonly name = 'AbortedError';
  constructor(message: string, detail?: string) {
    super(Code.Aborted, message, detail);
  }
}

export class UnavailableError extends ServiceError {
  override readonly name = 'UnavailableError';
  constructor(message: string, detail?: string, options?: { cause?: unknown }) {
    super(Code.Unavailable, message, detail, options);
  }
}

/**
 * The one place where thrown values become wire errors. A ServiceError keeps its code and public
 * message (including one a client translated from a called service's typed error, see
 * client/translate-errors.ts); a ConnectError raised here passes through (e.g. a deadline); one
 * answered by another service and left untranslated is answered as below; anything else is a bug
 * and becomes INTERNAL with nothing of it leaked.
 */
export function toConnectError(error: unknown): ConnectError {
  if (error instanceof ServiceError) {
    return new ConnectError(error.message, error.code, undefined, error.details as ErrorDetail[] as never, error);
  }
  if (error instanceof ConnectError && error.isWireError) return fromUpstream(error);
  if (error instanceof ConnectError) return error;
  return new ConnectError('internal error', Code.Internal, undefined, undefined, error);
}

/**
 * An error a called (upstream) service answered, escaping a handler untranslated. Its status,
 * message and trailers are that service's, not ours: passing them on would tell our caller it was
 * unauthenticated when we were. Only deadline, cancellation and unavailability keep their meaning
 * across the hop.
 */
function fromUpstream(error: ConnectError): ConnectError {
  if (error.code === Code.DeadlineExceeded || error.code === Code.Canceled) return new ConnectError(error.rawMessage, error.code, undefined, undefined, error);
  if (error.code === Code.Unavailable) return new ConnectError('a service this call depends on is unavailable', Code.Unavailable, undefined, undefined, error);
  return new ConnectError('internal error', Code.Internal, undefined, undefined, error);
}

/** True for errors that are not the caller's fault and should be logged as errors. */
export function isServerFault(error: ConnectError): boolean {
  return [Code.Internal, Code.Unknown, Code.DataLoss, Code.Unimplemented].includes(error.code);
}
