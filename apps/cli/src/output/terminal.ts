import type { Writable } from 'node:stream';

/** Where a command writes: data on stdout, everything for the human on stderr. */
export interface Terminal {
  readonly stdout: Writable & { isTTY?: boolean };
  readonly stderr: Writable & { isTTY?: boolean };
  /** Colour on stdout: a TTY and no NO_COLOR (https://no-color.org: set and not empty). */
  readonly color: boolean;
}

export function terminal(stdout: Terminal['stdout'], stderr: Terminal['stderr'], env: NodeJS.ProcessEnv): Terminal {
  return { stdout, stderr, color: stdout.isTTY === true && !env.NO_COLOR };
}

export const bold = (term: Terminal, text: string) => (term.color ? `\x1b[1m${text}\x1b[22m` : text);
export const dim = (term: Terminal, text: string) => (term.color ? `\x1b[2m${text}\x1b[22m` : text);
