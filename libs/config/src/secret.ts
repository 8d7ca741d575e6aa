import { createHash, timingSafeEqual } from 'node:crypto';

const REDACTED = '[redacted]';

/**
 * A credential from the configuration. The value sits in a private field and every way Node
 * turns an object into text (String(), template strings, JSON.stringify, util.inspect and so
 * console.log and pino) yields `[redacted]`, so logging a config object cannot leak it. Code that
 * needs the value says so explicitly with `reveal()`.
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  reveal(): string {
    return this.#value;
  }

  /**
   * Compares with a presented credential (e.g. an OAuth client secret) in constant time; both
   * sides are hashed first so neither the content nor the length leaks through timing.
   */
  matches(candidate: string): boolean {
    const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();
    return timingSafeEqual(digest(this.#value), digest(candidate));
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
