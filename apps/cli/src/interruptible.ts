import { CliError } from './cli-error.js';
import { ExitCode } from './exit-codes.js';

/** `work`, or CliError(interrupted) as soon as `signal` aborts, whichever comes first. The
 * abandoned work's own failure is swallowed: nobody waits for it any more. */
export function interruptible<T>(work: Promise<T>, signal: AbortSignal, what: string): Promise<T> {
  work.catch(() => {});
  if (signal.aborted) return Promise.reject(cancelled(what));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(cancelled(what));
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

const cancelled = (what: string) => new CliError(ExitCode.interrupted, `${what} cancelled`);
