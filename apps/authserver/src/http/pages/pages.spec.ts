import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { contentSecurityPolicy, securityHeaders } from '../security-headers.js';
import { confirmationPage } from './confirmation-page.js';
import { describeDuration, describeScope } from './describe-scope.js';
import { errorPage } from './error-page.js';
import { escapeHtml, html } from './html.js';
import { groupChooserPage } from './group-chooser-page.js';
import { idpChooserPage } from './idp-chooser-page.js';
import { STYLESHEET, STYLESHEET_HASH } from './layout.js';
import { successPage } from './success-page.js';
import { unregisteredPage } from './unregistered-page.js';
import { displayUserCode } from '../../services/secrets.js';
import { verificationPage } from './verification-page.js';

const EVIL = `<script>alert(1)</script>"><img src=x onerror=alert(2)>'`;

const confirmation = (over: Partial<Parameters<typeof confirmationPage>[0]> = {}) =>
  confirmationPage({
    csrfToken: 'tok',
    flowId: 'flow-1',
    clientName: 'Tessera CLI',
    clientId: 'tessera-cli',
    requestedAt: new Date('2025-03-04T14:05:09Z'),
    origin: { ipAddress: '192.0.2.7', userAgent: 'tessera/1.0' },
    scopes: ['openid', 'g:atlas'],
    userCode: 'bcdfghjk',
    ...over,
  });

/** Every page, with `value` in each field a caller fills. */
const everyPage = (value: string): [string, string][] => [
  ['verification', verificationPage({ csrfToken: value, userCode: value, error: 'unknown' })],
  ['confirmation', confirmation({ csrfToken: value, flowId: value, clientName: value, clientId: value, origin: { ipAddress: value, userAgent: value }, scopes: [value, `g:${value}`], userCode: value })],
  ['idp-chooser', idpChooserPage({ csrfToken: value, flowId: value, providers: [{ name: value, displayName: value }] })],
  ['group-chooser', groupChooserPage({ csrfToken: value, flowId: value, userId: value, groups: [{ name: value, vo: value, properties: [value] }] })],
  ['unregistered', unregisteredPage({ provider: value, subject: value, reference: value })],
  ['success', successPage({ kind: 'device', clientName: value })],
  ['error', errorPage({ title: value, message: value, status: 500 })],
];

describe('html', () => {
  it('escapes interpolated text and keeps nested html', () => {
    assert.equal(html`<p>${'<b>&"\''}</p>${html`<i>${'<'}</i>`}`.toString(), '<p>&lt;b&gt;&amp;&quot;&#39;</p><i>&lt;</i>');
    assert.equal(html`${[html`<a>`, '<', false, null, undefined, 1]}`.toString(), '<a>&lt;1');
  });

  for (const [name, page] of everyPage(EVIL)) {
    it(`renders a hostile value inert on the ${name} page`, () => {
      assert.ok(!page.includes('<script>'), 'no script element');
      assert.ok(!page.includes('<img'), 'no injected element');
      assert.ok(!/"[^"]*"><img/.test(page), 'no attribute breakout');
      assert.ok(page.includes(escapeHtml(EVIL)) || page.includes(escapeHtml(EVIL.slice(0, 20))), 'the text is shown, escaped');
    });
  }
});

describe('the inline stylesheet and the CSP', () => {
  it('allows the stylesheet by its SHA-256 and nothing else', () => {
    const hash = `'sha256-${createHash('sha256').update(STYLESHEET).digest('base64')}'`;
    assert.equal(STYLESHEET_HASH, hash);
    const csp = contentSecurityPolicy();
    assert.match(csp, /default-src 'none'/);
    assert.ok(csp.includes(`style-src ${hash}`));
    assert.match(csp, /form-action 'self'(;|$)/);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.match(csp, /base-uri 'none'/);
  });

  it('every page embeds exactly that stylesheet', () => {
    for (const [name, page] of everyPage('plain')) {
      const styles = [...page.matchAll(/<style>([\s\S]*?)<\/style>/g)].map((m) => m[1]);
      assert.deepEqual(styles, [STYLESHEET], name);
      assert.ok(!/<script|\sstyle=|\son\w+=/i.test(page), `${name}: nothing the CSP would block`);
      assert.match(page, /<html lang="en">/);
    }
  });

  it('adds form-action origins and refuses anything but a bare origin', () => {
    assert.match(contentSecurityPolicy({ formActionOrigins: ['https://idp.example'] }), /form-action 'self' https:\/\/idp\.example;/);
    assert.throws(() => contentSecurityPolicy({ formActionOrigins: ["https://idp.example/; script-src *"] }), /bare origin/);
    const headers = securityHeaders();
    assert.equal(headers['cache-control'], 'no-store');
    assert.equal(headers['x-frame-options'], 'DENY');
  });
});

describe('page content', () => {
  it('shows a prefilled user code as XXXX-XXXX and names the form fields', () => {
    const page = verificationPage({ csrfToken: 't', userCode: 'bcdfghjk' });
    assert.match(page, /name="user_code" value="BCDF-GHJK"/);
    assert.match(page, /<form method="post" action="\/device">/);
    assert.match(page, /name="csrf" value="t"/);
    assert.equal(displayUserCode('bcdf ghjk'), 'BCDF-GHJK');
    assert.equal(displayUserCode('abc'), 'abc');
  });

  it('the pattern accepts the code in any case, with or without the dash', () => {
    const source = /pattern="([^"]+)"/.exec(verificationPage({ csrfToken: 't' }))?.[1] ?? '';
    // The browser anchors the pattern and compiles it with the v flag.
    const pattern = new RegExp(`^(?:${source})$`, 'v');
    for (const ok of ['BCDF-GHJK', 'bcdf-ghjk', 'bcdfghjk', 'BcDf GhJk']) assert.ok(pattern.test(ok), ok);
    for (const bad of ['BCDF-GHJ', 'BCDF--GHJK', '1234-5678']) assert.ok(!pattern.test(bad), bad);
  });

  it('the confirmation page says who asks, from where and when, and what for', () => {
    const page = confirmation({ scopes: ['openid', 'profile', 'offline_access', 'g:atlas', 'lifetime:5400', 'x'] });
    for (const text of ['Tessera CLI', 'tessera-cli', '192.0.2.7', 'tessera/1.0', '2025-03-04 14:05:09 UTC', 'BCDF-GHJK', 'started this yourself']) {
      assert.ok(page.includes(text), text);
    }
    assert.match(page, /name="decision" value="approve"/);
    assert.match(page, /name="decision" value="deny"/);
    assert.match(page, /name="flow" value="flow-1"/);
    assert.match(page, /1 hour 30 minutes/);
  });

  it('describes scopes in words', () => {
    assert.equal(describeScope('g:atlas'), 'Act as a member of the group atlas');
    assert.equal(describeScope('lifetime:86400'), 'Get access tokens valid for up to 1 day');
    assert.equal(describeScope('mystery'), 'Other permission: mystery');
    assert.equal(describeDuration(90), '1 minute 30 seconds');
    assert.equal(describeDuration(0), '0 seconds');
  });
});
