/**
 * The exit codes of `tessera`, one per thing a script may want to branch on (README.md lists
 * them). 130 is the shell's own convention for a process ended by SIGINT (128 + 2).
 */
export const ExitCode = {
  ok: 0,
  /** Anything not listed below. */
  failure: 1,
  /** A bad option or argument, or a scope the issuer refused (`invalid_scope`). */
  usage: 2,
  /** No answer from the issuer: not configured right, down, or not reachable from here. */
  issuerUnreachable: 3,
  /** No session, or its refresh token no longer works: run `tessera login`. */
  notLoggedIn: 4,
  /** The user (or the issuer) refused the login or the call. */
  accessDenied: 5,
  /** The device code expired before the user approved. */
  codeExpired: 6,
  /** The user is not a member of the group asked for with `--group`. */
  notAMember: 7,
  /** Ctrl-C. */
  interrupted: 130,
} as const;

export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];
