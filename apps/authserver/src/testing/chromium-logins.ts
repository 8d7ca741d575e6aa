import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { REPO_ROOT } from '@tessera/testing';

/** The phone the flows are walked through on (and photographed at). */
export const PHONE: BrowserContextOptions = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };

// Runs in every page: CSP violations become console errors, which the watch collects.
const REPORT_CSP_VIOLATIONS = `document.addEventListener('securitypolicyviolation', (e) => console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI));`;

/** One response of Tessera's origin that the browser navigated to (a page or a redirect). */
export interface TesseraDocument {
  readonly url: string;
  readonly status: number;
  readonly headers: Record<string, string>;
}

/** A browser tab, watched: what went wrong on Tessera's origin, and each document it served. */
export interface WatchedTab {
  readonly context: BrowserContext;
  readonly page: Page;
  /** Console errors, page errors and CSP violations while a page of Tessera's origin was shown. */
  readonly problems: string[];
  readonly documents: TesseraDocument[];
  /** Every Tessera document had the pages' headers and nothing went wrong; then closes the tab. */
  assertCleanAndClose(): Promise<void>;
}

/** A fresh browser context (no cookies) on a phone, watching everything of `issuer`'s origin. */
export async function openTab(browser: Browser, issuer: string, options: BrowserContextOptions = PHONE): Promise<WatchedTab> {
  const origin = new URL(issuer).origin;
  const context = await browser.newContext(options);
  const page = await context.newPage();
  await page.addInitScript({ content: REPORT_CSP_VIOLATIONS });
  const problems: string[] = [];
  const documents: TesseraDocument[] = [];
  const ours = (url: string) => url !== '' && URL.canParse(url) && new URL(url).origin === origin;
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    const where = m.location().url;
    if (ours(where) || ours(page.url())) problems.push(`console error on ${where || page.url()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => void (ours(page.url()) && problems.push(`page error on ${page.url()}: ${e.message}`)));
  page.on('response', (r) => {
    if (r.request().isNavigationRequest() && ours(r.url())) documents.push({ url: r.url(), status: r.status(), headers: r.headers() });
  });
  return {
    context,
    page,
    problems,
    documents,
    async assertCleanAndClose() {
      try {
        assert.ok(documents.length > 0, 'the tab saw no page of Tessera');
        for (const doc of documents) {
          const what = `${doc.status} ${doc.url}`;
          assert.match(doc.headers['content-security-policy'] ?? '', /(^|;)\s*frame-ancestors 'none'\s*(;|$)/, `${what}: content-security-policy with frame-ancestors 'none'`);
          assert.equal(doc.headers['cache-control'], 'no-store', `${what}: cache-control`);
        }
        // Chromium logs a console error for every document answered with an error status; for a
        // page meant to be a 4xx (unregistered, access denied) that line is not a fault of the page.
        const errorStatus = /^Failed to load resource: the server responded with a status of (\d+) /;
        const real = problems.filter((p) => {
          const status = errorStatus.exec(p.replace(/^console error on \S+: /, ''))?.[1];
          return status === undefined || !documents.some((d) => String(d.status) === status && p.startsWith(`console error on ${d.url}: `));
        });
        assert.deepEqual(real, []);
      } finally {
        await context.close();
      }
    },
  };
}

/** A page of the flow, photographed for docs/ when TESSERA_SCREENSHOTS=1. */
export async function screenshot(page: Page, name: string): Promise<void> {
  if (process.env.TESSERA_SCREENSHOTS !== '1') return;
  const dir = join(REPO_ROOT, 'docs/screenshots');
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: join(dir, `flow-${name}.png`), fullPage: true });
}

/** Waits until the tab shows the page whose `<h1>` is `heading`, on `origin`. */
export async function expectPage(page: Page, origin: string, heading: string | RegExp): Promise<void> {
  await page.getByRole('heading', { level: 1, name: heading }).waitFor();
  assert.equal(new URL(page.url()).origin, origin, `"${String(heading)}" is shown by ${page.url()}`);
}

/**
 * The tab is on (or on its way to) dev-idp's login form: logs in as `user` (password = login),
 * clicks through a consent page should dev-idp show one, and returns once the browser has left
 * dev-idp.
 */
export async function logInAtDevIdp(page: Page, idpUrl: string, user: string): Promise<void> {
  const idp = new URL(idpUrl).origin;
  await page.waitForURL((u) => u.origin === idp);
  await page.locator('input[name=login]').fill(user);
  await page.locator('input[name=password]').fill(user);
  await page.getByRole('button', { name: 'Sign in' }).click();
  for (let attempt = 0; attempt < 3; attempt++) {
    const left = await page.waitForURL((u) => u.origin !== idp, { timeout: 10_000 }).then(() => true, () => false);
    if (left) return;
    const body = await page.locator('body').innerText();
    if ((await page.locator('input[name=password]').count()) > 0) assert.fail(`dev-idp refused ${user}: ${body}`);
    const consent = page.locator('form button[type=submit], form input[type=submit]').first();
    if ((await consent.count()) === 0) assert.fail(`stuck at dev-idp (${page.url()}): ${body}`);
    await consent.click();
  }
  assert.fail(`still at dev-idp after logging in: ${page.url()}`);
}

/** A client's redirect URI: records each authorization response (RFC 6749 §4.1.2) it receives. */
export interface CallbackServer {
  /** The redirect URI to register, http://127.0.0.1:<port>/callback. */
  readonly url: string;
  /** The next callback URL (the one already received, else the one to come within `timeoutMs`). */
  next(timeoutMs?: number): Promise<URL>;
  close(): Promise<void>;
}

export async function startCallbackServer(): Promise<CallbackServer> {
  const received: URL[] = [];
  const waiting: ((url: URL) => void)[] = [];
  let base = '';
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', base);
    if (url.pathname !== '/callback') return void res.writeHead(404).end();
    const waiter = waiting.shift();
    if (waiter) waiter(url);
    else received.push(url);
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end('<!doctype html><html lang="en"><head><link rel="icon" href="data:,"><title>Client</title></head><body><h1>Client callback</h1></body></html>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: `${base}/callback`,
    next: (timeoutMs = 30_000) => {
      const first = received.shift();
      if (first) return Promise.resolve(first);
      return new Promise<URL>((resolve, reject) => {
        const timer = setTimeout(() => {
          waiting.splice(waiting.indexOf(waiter), 1);
          reject(new Error(`no request reached the redirect URI ${base}/callback within ${timeoutMs} ms`));
        }, timeoutMs);
        const waiter = (url: URL) => (clearTimeout(timer), resolve(url));
        waiting.push(waiter);
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** The payload of a JWT, unverified (the tests read what the authserver put in). */
export function jwtPayload(jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString()) as Record<string, unknown>;
}

/** POST with a form body to the issuer, optionally as a confidential client (client_secret_basic). */
export async function postForm(url: string, body: Record<string, string>, basic?: { id: string; secret: string }): Promise<{ status: number; body: Record<string, unknown> }> {
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (basic) headers['authorization'] = `Basic ${Buffer.from(`${encodeURIComponent(basic.id)}:${encodeURIComponent(basic.secret)}`).toString('base64')}`;
  const res = await fetch(url, { method: 'POST', headers, body: new URLSearchParams(body) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}
