import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';

const REDACTED = '[redacted]';

/**
 * A credential from the configuration. The value sits in a private field and every way Node
 * turns an object into text (String(), template strings, JSON.stringify, util.inspect and so
 * console.log and pino) yields `[redacted]`, so logging a config object cannot leak it. Code that
 * needs the value says so explicitly with `reveal()`.
 */
export class Secret {
  readonly #read: () => string;
  /** The file the secret is read from, when it is not inline (a path is safe to show). */
  readonly file: string | undefined;

  constructor(value: string | { file: string }) {
    if (typeof value === 'string') {
      this.#read = () => value;
      this.file = undefined;
    } else {
      const path = value.file;
      this.#read = () => readSecretFile(path);
      this.file = path;
    }
  }

  /**
   * A secret kept in a file (a Kubernetes Secret mounted as files). The file is read when the
   * value is needed, not when the configuration is loaded: every app shares one configuration,
   * but a pod mounts only the secrets its own app uses. Apps check their own secrets at start-up
   * (`requireApp`). Each `reveal()` reads the file again, so a user that reveals again picks up a
   * rotated file without a restart (the idp-gateway does at each discovery and after an IdP has
   * refused every client secret it holds).
   */
  static fromFile(path: string): Secret {
    return new Secret({ file: path });
  }

  /** The value; throws SecretFileError when its file cannot be read. */
  reveal(): string {
    return this.#read();
  }

  /**
   * Compares with a presented credential (e.g. an OAuth client secret) in constant time; both
   * sides are hashed first so neither the content nor the length leaks through timing.
   */
  matches(candidate: string): boolean {
    const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();
    return timingSafeEqual(digest(this.reveal()), digest(candidate));
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return REDACTED;
  }
}

/** A secret file that cannot be used; the message names the file, never its content. */
export class SecretFileError extends Error {
  override readonly name = 'SecretFileError';
}

function readSecretFile(path: string): string {
  let content: string;
  try {
    // Files written by `echo` or editors end with a newline that is not part of the secret.
    content = readFileSync(path, 'utf8').replace(/[\r\n]+$/, '');
  } catch (error) {
    throw new SecretFileError(`cannot read secret file ${JSON.stringify(path)} (${(error as NodeJS.ErrnoException).code ?? 'unreadable'})`);
  }
  if (content === '') throw new SecretFileError(`secret file ${JSON.stringify(path)} is empty`);
  return content;
}
