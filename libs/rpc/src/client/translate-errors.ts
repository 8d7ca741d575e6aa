import { ConnectError } from '@connectrpc/connect';

/**
 * Turns an error a called service answered into the caller's own domain error (for example the
 * idp-gateway's FAILED_PRECONDITION with an IdpErrorDetail into tokenmanager's "the user must log
 * in again"), or returns undefined to leave it as it is. The edge then answers a translated error
 * with its own code and message; an untranslated one is never passed off as ours (errors.ts).
 */
export type ErrorTranslator = (error: ConnectError) => Error | undefined;

/** Applies a translator to an error from the wire; anything else is rethrown untouched. */
export function translateErrors(translate: ErrorTranslator | undefined, error: unknown): unknown {
  if (!translate || !(error instanceof ConnectError) || !error.isWireError) return error;
  return translate(error) ?? error;
}
