import type { IncomingMessage, ServerResponse } from 'node:http';
import { bindingCookie, newBindingValue, parseBindingCookie } from './csrf.js';
import { securityHeaders } from './security-headers.js';

/**
 * One browser request to the login pages: its binding cookie (set on the first page a browser
 * sees) and the responses, all with the pages' security headers.
 */
export class BrowserExchange {
  readonly binding: string;
  readonly #fresh: boolean;

  constructor(
    readonly req: IncomingMessage,
    readonly res: ServerResponse,
    private readonly options: { secure: boolean; formActionOrigins: readonly string[] },
  ) {
    const existing = parseBindingCookie(req.headers.cookie, options);
    this.binding = existing ?? newBindingValue();
    this.#fresh = existing === undefined;
  }

  /** Whether the browser already had its binding cookie (forms and callbacks require it). */
  get bound(): boolean {
    return !this.#fresh;
  }

  #headers(): Record<string, string | string[]> {
    const headers: Record<string, string | string[]> = securityHeaders({ formActionOrigins: this.options.formActionOrigins });
    if (this.#fresh) headers['set-cookie'] = bindingCookie(this.binding, this.options);
    return headers;
  }

  page(status: number, body: string): void {
    this.res.writeHead(status, this.#headers()).end(body);
  }

  /** 303: the browser follows with a GET (RFC 9110 §15.4.4), also after a form POST. */
  redirect(location: string): void {
    this.res.writeHead(303, { ...this.#headers(), location }).end();
  }
}
