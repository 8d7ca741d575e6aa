import type { ExitCode } from './exit-codes.js';

/**
 * The one error type a command lets out: a message for the user, the exit code it stands for,
 * and optionally what to do next. Third parties' errors are translated into it at the adapters
 * (oauth/, api/), so main.ts renders every failure the same way.
 */
export class CliError extends Error {
  override readonly name = 'CliError';
  readonly exitCode: ExitCode;
  /** What the user can do about it, e.g. "run tessera login". */
  readonly hint: string | undefined;

  constructor(exitCode: ExitCode, message: string, options: { hint?: string; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.exitCode = exitCode;
    this.hint = options.hint;
  }
}

export const RUN_LOGIN = 'run tessera login';
