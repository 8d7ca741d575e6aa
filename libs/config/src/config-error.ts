/** One problem in the configuration, located by a dotted key path (or an env variable name). */
export interface ConfigIssue {
  readonly path: string;
  readonly message: string;
}

/**
 * The only error configuration loading throws. Its message lists every problem with its key
 * path so an operator can fix the file in one pass; it never contains a secret's value, because
 * the messages it is built from never echo what a secret field held.
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';

  constructor(
    readonly issues: readonly ConfigIssue[],
    /** The configuration file, as shown to the operator. */
    readonly source?: string,
    options?: ErrorOptions,
  ) {
    const where = source === undefined ? 'invalid configuration' : `invalid configuration (${source})`;
    super(`${where}: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, options);
  }
}

const IDENTIFIER = /^[A-Za-z_$][\w$-]*$/;

/** `['registry', 'services', 'spiffe://x/y']` → `registry.services["spiffe://x/y"]`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (typeof segment === 'string' && IDENTIFIER.test(segment)) out += out === '' ? segment : `.${segment}`;
    else out += `[${JSON.stringify(String(segment))}]`;
  }
  return out === '' ? '(root)' : out;
}

/** Quotes a value for a message, short enough to read in a log line. */
export function quote(value: unknown): string {
  const text = typeof value === 'string' ? JSON.stringify(value) : String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** `(known: a, b)`, so an error about a dangling reference also says what would have worked. */
export function known(names: Iterable<string>): string {
  const list = [...names];
  return list.length === 0 ? '(none defined)' : `(known: ${list.join(', ')})`;
}
