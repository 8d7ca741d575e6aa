import assert from 'node:assert/strict';

interface Cookie {
  name: string;
  value: string;
  path: string;
}

export interface Page {
  url: URL;
  status: number;
  html: string;
}

export interface HtmlForm {
  action: URL;
  method: string;
  fields: Record<string, string>;
}

const MAX_REDIRECTS = 20;

/**
 * Just enough of a browser to drive the dev-idp's pages with fetch: a cookie jar honouring
 * paths, manual redirects, and form submission. Cookies are not scoped by host because every
 * test talks to one loopback origin.
 */
export class Browser {
  readonly #cookies = new Map<string, Cookie>();

  /**
   * GETs `url` (or submits `form`) and follows redirects until a page is served or a redirect
   * points under `stopAt` (a redirect URI nobody serves); then returns that Location instead.
   */
  async go(url: string | URL, options: { form?: Record<string, string>; stopAt?: string } = {}): Promise<Page | URL> {
    let target = new URL(url);
    let body: URLSearchParams | undefined = options.form === undefined ? undefined : new URLSearchParams(options.form);
    for (let hop = 0; hop < MAX_REDIRECTS; hop += 1) {
      const res = await this.#fetch(target, body);
      const location = res.headers.get('location');
      if (res.status < 300 || res.status >= 400 || location === null) {
        return { url: target, status: res.status, html: await res.text() };
      }
      await res.body?.cancel();
      target = new URL(location, target);
      body = undefined;
      if (options.stopAt !== undefined && target.href.startsWith(options.stopAt)) return target;
    }
    throw new Error(`more than ${MAX_REDIRECTS} redirects from ${String(url)}`);
  }

  /** Like go(), asserting a page (not a stop redirect) came back. */
  async page(url: string | URL, form?: Record<string, string>): Promise<Page> {
    const result = await this.go(url, form === undefined ? {} : { form });
    assert.ok(!(result instanceof URL), `expected a page, got a redirect to ${String(result)}`);
    return result;
  }

  async #fetch(url: URL, body: URLSearchParams | undefined): Promise<Response> {
    const cookie = [...this.#cookies.values()]
      .filter((c) => url.pathname === c.path || url.pathname.startsWith(c.path.endsWith('/') ? c.path : `${c.path}/`))
      .map((c) => `${c.name}=${c.value}`)
      .join('; ');
    const headers: Record<string, string> = cookie === '' ? {} : { cookie };
    const res = await fetch(url, body === undefined ? { redirect: 'manual', headers } : { method: 'POST', redirect: 'manual', headers, body });
    for (const line of res.headers.getSetCookie()) this.#store(line, url);
    return res;
  }

  #store(setCookie: string, url: URL): void {
    const [pair = '', ...attributes] = setCookie.split(';').map((p) => p.trim());
    const eq = pair.indexOf('=');
    const name = pair.slice(0, eq);
    const value = pair.slice(eq + 1);
    let path = url.pathname.replace(/\/[^/]*$/, '') || '/';
    let expired = value === '';
    for (const attribute of attributes) {
      const [key = '', val = ''] = attribute.split('=');
      if (key.toLowerCase() === 'path') path = val;
      if (key.toLowerCase() === 'expires' && Date.parse(val) <= Date.now()) expired = true;
      if (key.toLowerCase() === 'max-age' && Number(val) <= 0) expired = true;
    }
    const key = `${name};${path}`;
    if (expired) this.#cookies.delete(key);
    else this.#cookies.set(key, { name, value, path });
  }
}

/** The form with the given id, or the first form when no id is given. */
export function findForm(page: Page, id?: string): HtmlForm {
  const forms = [...page.html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/g)];
  const match = forms.find((f) => id === undefined || attribute(f[1] ?? '', 'id') === id);
  assert.ok(match, `no form${id === undefined ? '' : ` #${id}`} in ${page.url.href}:\n${page.html}`);
  const fields: Record<string, string> = {};
  for (const input of (match[2] ?? '').matchAll(/<input\b([^>]*)>/g)) {
    const name = attribute(input[1] ?? '', 'name');
    if (name !== undefined) fields[name] = attribute(input[1] ?? '', 'value') ?? '';
  }
  return {
    action: new URL(attribute(match[1] ?? '', 'action') ?? page.url.href, page.url),
    method: (attribute(match[1] ?? '', 'method') ?? 'get').toLowerCase(),
    fields,
  };
}

function attribute(tag: string, name: string): string | undefined {
  const value = new RegExp(`\\b${name}="([^"]*)"`).exec(tag)?.[1];
  return value?.replace(/&#(\d+);/g, (_m, code: string) => String.fromCharCode(Number(code))).replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}
