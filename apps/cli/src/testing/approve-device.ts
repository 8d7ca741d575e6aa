import assert from 'node:assert/strict';
import { Browser, findForm, type Page } from '@tessera/testing';

/** What a user does in the verification pages (form browser): opens verification_uri_complete,
 * confirms the code, approves, logs in at dev-idp with login = password. Returns the last page.
 * With `deny` the user refuses on the confirmation page instead; that page's answer is returned. */
export async function approveDevice(verificationUriComplete: string, user: string, decision: 'approve' | 'deny' = 'approve'): Promise<Page> {
  const browser = new Browser();
  const verification = await browser.page(verificationUriComplete);
  const entry = findForm(verification);
  const confirmation = await browser.page(entry.action, entry.fields);
  assert.equal(confirmation.status, 200, confirmation.html);
  const confirm = findForm(confirmation);
  const loginPage = await browser.page(confirm.action, { ...confirm.fields, decision });
  if (decision === 'deny') return loginPage;
  const login = findForm(loginPage);
  return browser.page(login.action, { ...login.fields, login: user, password: user });
}
