import assert from 'node:assert/strict';
import { Browser, findForm, type Page } from '@tessera/testing';

/** What a user does in the verification pages, with the form-driving browser: enters the user
 * code, approves, logs in at dev-idp, and picks `group` if asked. Returns the last page. */
export async function approveDevice(verificationUriComplete: string, user: string, options: { group?: string; decision?: 'approve' | 'deny'; browser?: Browser } = {}): Promise<Page> {
  const browser = options.browser ?? new Browser();
  const verification = await browser.page(verificationUriComplete);
  const entry = findForm(verification);
  const confirmation = await browser.page(entry.action, entry.fields);
  assert.equal(confirmation.status, 200, confirmation.html);
  const confirm = findForm(confirmation);
  const next = await browser.page(confirm.action, { ...confirm.fields, decision: options.decision ?? 'approve' });
  if (options.decision === 'deny') return next;
  return logInAtIdp(browser, next, user, options.group);
}

/** From a page that is dev-idp's login form: logs in, and picks the group when asked. */
export async function logInAtIdp(browser: Browser, loginPage: Page, user: string, group?: string): Promise<Page> {
  const login = findForm(loginPage);
  const after = await browser.page(login.action, { ...login.fields, login: user, password: user });
  if (!after.html.includes('name="group"')) return after;
  const choose = findForm(after);
  return browser.page(choose.action, { ...choose.fields, group: group ?? assert.fail('the group chooser came up without a group to pick') });
}
