import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { launchChromium, REPO_ROOT } from '@tessera/testing';
import { bindingCookie, checkCsrf, csrfTokenFor, newBindingValue, parseBindingCookie } from '../csrf.js';
import { securityHeaders, type SecurityHeaderOptions } from '../security-headers.js';
import { confirmationPage } from './confirmation-page.js';
import { errorPage } from './error-page.js';
import { groupChooserPage } from './group-chooser-page.js';
import { idpChooserPage } from './idp-chooser-page.js';
import { successPage } from './success-page.js';
import { unregisteredPage } from './unregistered-page.js';
import { verificationPage } from './verification-page.js';

// Each page as the authserver would render it. Those named in SCREENSHOTS are photographed for
// docs/ when TESSERA_SCREENSHOTS=1; the others try edge cases (an error state, long unbroken text).
const FLOW = 'flow-7f3a';
const LONG = 'x'.repeat(160);
const PAGES: Record<string, (csrf: string) => string> = {
  verification: (csrf) => verificationPage({ csrfToken: csrf }),
  'verification-error': (csrf) => verificationPage({ csrfToken: csrf, userCode: 'bcdfghjk', error: 'expired' }),
  confirmation: (csrf) =>
    confirmationPage({
      csrfToken: csrf, flowId: FLOW, clientName: 'Tessera CLI', clientId: 'tessera-cli',
      requestedAt: new Date('2025-03-04T14:05:09Z'),
      origin: { ipAddress: '203.0.113.42', userAgent: 'tessera-cli/0.1.0 (linux; x86_64) node/20.20.2' },
      scopes: ['openid', 'profile', 'offline_access', 'g:atlas-production', 'lifetime:3600'], userCode: 'wdjbmjht',
    }),
  'confirmation-long': (csrf) =>
    confirmationPage({
      csrfToken: csrf, flowId: FLOW, clientName: `Client ${LONG}`, clientId: LONG, requestedAt: new Date(0),
      origin: { ipAddress: '2001:db8:85a3:8d3:1319:8a2e:370:7348', userAgent: LONG }, scopes: [`g:${LONG}`], userCode: LONG,
    }),
  'idp-chooser': (csrf) =>
    idpChooserPage({ csrfToken: csrf, flowId: FLOW, providers: [{ name: 'egi', displayName: 'EGI Check-in' }, { name: 'iam', displayName: 'INDIGO IAM (WLCG)' }, { name: 'cern', displayName: 'CERN Single Sign-On' }] }),
  'group-chooser': (csrf) =>
    groupChooserPage({
      csrfToken: csrf, flowId: FLOW, userId: 'a1b2c3d4-5e6f-4a7b-8c9d-0e1f2a3b4c5d',
      groups: [{ name: 'atlas_user', vo: 'atlas', properties: ['NormalUser'] }, { name: 'atlas_prod', vo: 'atlas', properties: ['ProductionManagement', 'JobSharing'] }, { name: 'dteam_user', vo: 'dteam', properties: [] }],
    }),
  unregistered: () => unregisteredPage({ provider: 'EGI Check-in', subject: 'c2a7f4e0b1d94c6f@egi.eu', reference: 'ref-01J9ZQ4M7K2X' }),
  success: () => successPage({ kind: 'device', clientName: 'Tessera CLI' }),
  error: () => errorPage({ title: 'This sign-in has expired', message: 'Start again from your application or terminal.', status: 410 }),
};
const SCREENSHOTS = new Set(['verification', 'confirmation', 'idp-chooser', 'group-chooser', 'unregistered', 'success', 'error']);
const VIEWPORTS: Record<string, BrowserContextOptions> = {
  phone: { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true },
  desktop: { viewport: { width: 1280, height: 800 } },
};

// Runs in the page (the project compiles without the DOM library, hence a string and FieldElement).
const REPORT_CSP_VIOLATIONS = `document.addEventListener('securitypolicyviolation', (e) => console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI));`;
interface FieldElement {
  labels?: { textContent: string | null }[] | null;
  scrollWidth: number;
  clientWidth: number;
  checkValidity(): boolean;
}

const readForm = async (req: IncomingMessage) => {
  let body = '';
  for await (const chunk of req) body += String(chunk);
  return new URLSearchParams(body);
};

/** Serves /page/<name> with the HTML security headers; the forms' POSTs redirect like the real ones. */
async function startPageServer(idpOrigin: string, headerOptions: () => SecurityHeaderOptions) {
  const posted: URLSearchParams[] = [];
  const server: Server = createServer((req, res) => {
    void (async () => {
      const binding = parseBindingCookie(req.headers.cookie, { secure: false });
      if (req.method === 'POST') {
        const form = await readForm(req);
        posted.push(form);
        const csrfOk = binding !== undefined && checkCsrf(binding, form.get('flow') ?? 'device', form.get('csrf') ?? undefined);
        const to = !csrfOk ? '/page/error' : req.url === '/login/idp' ? `${idpOrigin}/authorize` : '/page/success';
        res.writeHead(303, { location: to, 'cache-control': 'no-store' }).end();
        return;
      }
      const render = PAGES[(req.url ?? '').replace('/page/', '')];
      if (render === undefined) return void res.writeHead(404).end();
      const value = binding ?? newBindingValue();
      const flow = req.url === '/page/verification' || req.url === '/page/verification-error' ? 'device' : FLOW;
      res.writeHead(200, { ...securityHeaders(headerOptions()), 'set-cookie': bindingCookie(value, { secure: false }) });
      res.end(render(csrfTokenFor(value, flow)));
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server, posted };
}

/** What a page did that it should not: console errors and warnings, CSP violations, foreign requests. */
function watch(page: Page, origin: string): string[] {
  const problems: string[] = [];
  page.on('console', (m) => void (['error', 'warning'].includes(m.type()) && problems.push(`console ${m.type()}: ${m.text()}`)));
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('request', (r) => void (/^(https?|wss?):/.test(r.url()) && new URL(r.url()).origin !== origin && problems.push(`request to ${r.url()}`)));
  return problems;
}

const closeServer = (server: Server) => new Promise<void>((resolve) => {
  server.close(() => resolve());
  server.closeAllConnections();
});

describe('the pages in Chromium', () => {
  let browser: Browser;
  let site: Awaited<ReturnType<typeof startPageServer>>;
  let idp: Server;
  let headerOptions: SecurityHeaderOptions = {};
  before(async () => {
    browser = await launchChromium();
    idp = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>IdP</title>IdP'));
    await new Promise<void>((resolve) => idp.listen(0, '127.0.0.1', resolve));
    site = await startPageServer(`http://127.0.0.1:${(idp.address() as AddressInfo).port}`, () => headerOptions);
  });
  after(async () => {
    await browser?.close();
    await Promise.all([site && closeServer(site.server), idp && closeServer(idp)]);
  });

  async function open(name: string, viewport: BrowserContextOptions) {
    const context = await browser.newContext(viewport);
    const page = await context.newPage();
    await page.addInitScript({ content: REPORT_CSP_VIOLATIONS });
    const problems = watch(page, site.origin);
    const response = await page.goto(`${site.origin}/page/${name}`);
    assert.equal(response?.status(), 200);
    return { context, page, problems, headers: response?.headers() ?? {} };
  }

  for (const [viewportName, viewport] of Object.entries(VIEWPORTS)) {
    for (const name of Object.keys(PAGES)) {
      it(`${name} on a ${viewportName}: accessible, self-contained, within the CSP`, async () => {
        const { context, page, problems, headers } = await open(name, viewport);
        try {
          assert.match(headers['content-security-policy'] ?? '', /default-src 'none'/);
          assert.equal(await page.locator('html').getAttribute('lang'), 'en');
          assert.equal(await page.locator('main').count(), 1);
          const levels = await page.locator('h1, h2, h3, h4, h5, h6').evaluateAll((hs: { tagName: string }[]) => hs.map((h) => Number(h.tagName[1])));
          assert.equal(levels[0], 1, 'the first heading is an h1');
          levels.forEach((level, i) => i > 0 && assert.ok(level <= (levels[i - 1] ?? 0) + 1, `heading levels ${levels.join(',')} skip one`));
          for (const field of await page.locator('input:not([type=hidden]), select, textarea').all()) {
            const label = await field.evaluate((el: FieldElement) => el.labels?.[0]?.textContent?.trim() ?? '');
            assert.ok(label !== '', 'every field has a label');
            assert.ok(await page.getByLabel(label, { exact: true }).evaluate((el, other) => el === other, await field.elementHandle()));
          }
          for (const button of await page.locator('button').all()) {
            assert.ok(((await button.textContent()) ?? '').trim() !== '', 'every button has a name');
          }
          if (viewportName === 'phone') {
            const { scrollWidth, clientWidth } = await page.locator('html').evaluate((el: FieldElement) => ({ scrollWidth: el.scrollWidth, clientWidth: el.clientWidth }));
            assert.ok(scrollWidth <= clientWidth, `no horizontal scroll (${scrollWidth} > ${clientWidth})`);
          }
          if (process.env.TESSERA_SCREENSHOTS === '1' && SCREENSHOTS.has(name)) {
            mkdirSync(join(REPO_ROOT, 'docs/screenshots'), { recursive: true });
            await page.screenshot({ path: join(REPO_ROOT, 'docs/screenshots', `${name}-${viewportName}.png`), fullPage: true });
          }
          assert.deepEqual(problems, []);
        } finally {
          await context.close();
        }
      });
    }
  }

  it('the code field takes "bcdf-ghjk" as typed and the form posts it with its CSRF token', async () => {
    const { context, page, problems } = await open('verification', VIEWPORTS.phone ?? {});
    try {
      const field = page.getByLabel('Code', { exact: true });
      await field.pressSequentially('bcdf-ghjk');
      assert.equal(await field.inputValue(), 'bcdf-ghjk');
      assert.ok(await field.evaluate((el: FieldElement) => el.checkValidity()));
      await Promise.all([page.waitForURL('**/page/success'), page.getByRole('button', { name: 'Continue' }).click()]);
      assert.equal(site.posted.at(-1)?.get('user_code'), 'bcdf-ghjk');
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  // Chromium applies form-action to each redirect a form submission follows, so the 303 from
  // POST /login/idp to the IdP needs the IdP's origin in form-action.
  it("a POST answered with a 303 to the IdP is blocked under form-action 'self' alone", async () => {
    headerOptions = {};
    const { context, page } = await open('idp-chooser', VIEWPORTS.desktop ?? {});
    try {
      const blocked = page.waitForEvent('console', (m) => m.text().includes('form-action'));
      await page.getByRole('button', { name: 'EGI Check-in' }).click();
      await blocked;
      assert.match(page.url(), /\/page\/idp-chooser$/);
    } finally {
      await context.close();
    }
  });

  it('and reaches the IdP when its origin is an extra form-action origin', async () => {
    const idpOrigin = `http://127.0.0.1:${(idp.address() as AddressInfo).port}`;
    headerOptions = { formActionOrigins: [idpOrigin] };
    const { context, page, problems } = await open('idp-chooser', VIEWPORTS.desktop ?? {});
    try {
      await Promise.all([page.waitForURL(`${idpOrigin}/authorize`), page.getByRole('button', { name: 'EGI Check-in' }).click()]);
      assert.equal(site.posted.at(-1)?.get('provider'), 'egi');
      assert.deepEqual(problems.filter((p) => !p.startsWith(`request to ${idpOrigin}/`)), []);
    } finally {
      headerOptions = {};
      await context.close();
    }
  });
});
