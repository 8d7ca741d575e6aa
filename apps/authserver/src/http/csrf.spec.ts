import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bindingCookie, checkCsrf, csrfTokenFor, newBindingValue, parseBindingCookie } from './csrf.js';

describe('CSRF tokens', () => {
  const browser = newBindingValue();

  it('accepts the token for this browser and flow', () => {
    assert.ok(checkCsrf(browser, 'flow-1', csrfTokenFor(browser, 'flow-1')));
  });

  it('rejects another flow, another browser, a missing, altered or truncated token', () => {
    const token = csrfTokenFor(browser, 'flow-1');
    assert.ok(!checkCsrf(browser, 'flow-2', token));
    assert.ok(!checkCsrf(newBindingValue(), 'flow-1', token));
    assert.ok(!checkCsrf(browser, 'flow-1', undefined));
    assert.ok(!checkCsrf(browser, 'flow-1', ''));
    assert.ok(!checkCsrf(browser, 'flow-1', `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`));
    assert.ok(!checkCsrf(browser, 'flow-1', token.slice(1)));
    assert.ok(!checkCsrf('', 'flow-1', csrfTokenFor('', 'flow-1')), 'no binding cookie, no token');
  });

  it('does not let the binding value and the flow id run into each other', () => {
    assert.notEqual(csrfTokenFor('ab', 'c'), csrfTokenFor('a', 'bc'));
  });
});

describe('the browser-binding cookie', () => {
  it('is __Host- prefixed, Secure, HttpOnly and SameSite=Lax over HTTPS', () => {
    assert.equal(bindingCookie('v1', { secure: true }), '__Host-tessera-binding=v1; Path=/; HttpOnly; SameSite=Lax; Secure');
    assert.equal(bindingCookie('v1', { secure: false }), 'tessera-binding=v1; Path=/; HttpOnly; SameSite=Lax');
  });

  it('is read back from a Cookie header under its own name only', () => {
    const value = newBindingValue();
    assert.equal(parseBindingCookie(`a=1; __Host-tessera-binding=${value}; b=2`, { secure: true }), value);
    assert.equal(parseBindingCookie(`tessera-binding=${value}`, { secure: true }), undefined);
    assert.equal(parseBindingCookie(`tessera-binding=${value}`, { secure: false }), value);
    assert.equal(parseBindingCookie('tessera-binding=<bad>', { secure: false }), undefined);
    assert.equal(parseBindingCookie(undefined, { secure: false }), undefined);
  });
});
