import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Keeps a copy of the token endpoint's answer while openid-client processes it, so that a refresh
 * token the IdP rotated is not lost when a check that runs after the answer arrived fails (the ID
 * token's signature or claims, a malformed field). By then the IdP has retired the token that was
 * sent; without the copy the user's grant would be gone. Only JSON objects carrying a
 * `refresh_token` are kept, for the duration of one `run`, in this process's memory.
 */
export class TokenResponseCapture {
  static readonly #current = new AsyncLocalStorage<TokenResponseCapture>();
  #pending: Promise<void>[] = [];
  #body: Record<string, unknown> | undefined;

  /** The capture of the IdP call in progress, if one was asked for. */
  static current(): TokenResponseCapture | undefined {
    return TokenResponseCapture.#current.getStore();
  }

  run<T>(fn: () => Promise<T>): Promise<T> {
    return TokenResponseCapture.#current.run(this, fn);
  }

  /** Called by the gateway's fetch with every answer of the call. */
  observe(response: Response): void {
    if (!response.ok || !/json/i.test(response.headers.get('content-type') ?? '')) return;
    this.#pending.push(
      response
        .clone()
        .json()
        .then((body: unknown) => {
          if (typeof body === 'object' && body !== null && typeof (body as { refresh_token?: unknown }).refresh_token === 'string') this.#body = body as Record<string, unknown>;
        })
        .catch(() => undefined),
    );
  }

  /** The last answer that carried a refresh token, once every copy has been read. */
  async tokenResponse(): Promise<Record<string, unknown> | undefined> {
    await Promise.all(this.#pending);
    return this.#body;
  }
}
