import { InvalidRequest } from './errors.js';

/**
 * The parameters of an OAuth request (form body or query). RFC 6749 §3.1/§3.2: a parameter sent
 * without a value is treated as omitted, and none may be sent more than once.
 */
export class OAuthParameters {
  readonly #values: Map<string, string>;
  readonly #repeated: Map<string, string[]>;

  private constructor(values: Map<string, string>, repeated: Map<string, string[]>) {
    this.#values = values;
    this.#repeated = repeated;
  }

  /** `repeatable` names the parameters an extension lets a client send several times (RFC 8693
   * `audience` and `resource`); read them with `all`. */
  static from(search: URLSearchParams, repeatable: readonly string[] = []): OAuthParameters {
    const values = new Map<string, string>();
    const repeated = new Map<string, string[]>();
    for (const [name, value] of search) {
      if (value === '') continue;
      if (repeatable.includes(name)) repeated.set(name, [...(repeated.get(name) ?? []), value]);
      else if (values.has(name)) throw new InvalidRequest(`the ${name} parameter is given more than once`);
      else values.set(name, value);
    }
    return new OAuthParameters(values, repeated);
  }

  all(name: string): readonly string[] {
    return this.#repeated.get(name) ?? [];
  }

  get(name: string): string | undefined {
    return this.#values.get(name);
  }

  require(name: string): string {
    const value = this.#values.get(name);
    if (value === undefined) throw new InvalidRequest(`the ${name} parameter is missing`);
    return value;
  }

  has(name: string): boolean {
    return this.#values.has(name);
  }
}
