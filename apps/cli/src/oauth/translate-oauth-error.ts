import { ClientError, ResponseBodyError } from 'openid-client';
import { CliError, RUN_LOGIN } from '../cli-error.js';
import { ExitCode } from '../exit-codes.js';
import { printable } from '../output/printable.js';

/** What the CLI was doing when openid-client failed; the same OAuth error means different things. */
export type OAuthStep = 'discovery' | 'login' | 'refresh' | 'logout';

/**
 * Translates what openid-client throws into the CLI's closed set of failures (exit-codes.ts), once,
 * here at the adapter. The issuer's `error_description` is shown: it is written for users.
 */
export function translateOAuthError(error: unknown, step: OAuthStep, issuer: string): CliError {
  if (error instanceof CliError) return error;
  if (error instanceof ResponseBodyError && (error.error === 'temporarily_unavailable' || error.status >= 500)) {
    return new CliError(ExitCode.issuerUnreachable, `the issuer ${issuer} is unavailable (${printable(error.error_description ?? error.error)})`, { cause: error, hint: 'try again later' });
  }
  if (error instanceof ResponseBodyError) return fromOAuthResponse(error, step);
  if (isNetworkFailure(error)) {
    return new CliError(ExitCode.issuerUnreachable, `cannot reach the issuer ${issuer}: ${networkReason(error)}`, { cause: error });
  }
  const status = unavailableStatus(error);
  if (status !== undefined) {
    return new CliError(ExitCode.issuerUnreachable, `the issuer ${issuer} is unavailable (it answered HTTP ${status})`, { cause: error, hint: 'try again later' });
  }
  if (error instanceof ClientError && step === 'discovery') {
    return new CliError(ExitCode.issuerUnreachable, `${issuer} did not answer as an OAuth issuer (${error.message})`, { cause: error });
  }
  return new CliError(ExitCode.failure, `${step} failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
}

function fromOAuthResponse(error: ResponseBodyError, step: OAuthStep): CliError {
  const description = printable(error.error_description ?? error.error);
  const cause = { cause: error };
  switch (error.error) {
    case 'access_denied':
      // The authserver's words for a login refused because of --group (login-service.ts).
      if (/not a member of the group/i.test(description)) return new CliError(ExitCode.notAMember, description, cause);
      return new CliError(ExitCode.accessDenied, `access denied: ${description}`, cause);
    case 'expired_token':
      return new CliError(ExitCode.codeExpired, 'the login was not approved in time', { ...cause, hint: RUN_LOGIN });
    case 'invalid_scope':
      return new CliError(ExitCode.usage, `the issuer refused the scope: ${description}`, cause);
    case 'invalid_grant':
      if (step === 'refresh') return new CliError(ExitCode.notLoggedIn, `the session has ended (${description})`, { ...cause, hint: RUN_LOGIN });
      return new CliError(ExitCode.failure, `${step} refused: ${description}`, cause);
    default:
      return new CliError(ExitCode.failure, `${step} refused by the issuer: ${printable(error.error)}: ${description}`, cause);
  }
}

// Node's fetch fails with TypeError('fetch failed') and the socket error as cause; openid-client
// turns its own request timeout into OAUTH_TIMEOUT.
function isNetworkFailure(error: unknown): boolean {
  return (error instanceof TypeError && error.message === 'fetch failed') || (error instanceof ClientError && error.code === 'OAUTH_TIMEOUT');
}

/** The status of a 5xx answer that is not an OAuth error (a proxy's 502/503, a server down):
 * openid-client reports it as an unexpected status, with the Response as cause. */
function unavailableStatus(error: unknown): number | undefined {
  const cause = error instanceof ClientError ? (error.cause as { status?: unknown } | undefined) : undefined;
  return typeof cause?.status === 'number' && cause.status >= 500 ? cause.status : undefined;
}

function networkReason(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error as Error).message;
}
