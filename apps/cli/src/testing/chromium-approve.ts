import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';

/**
 * What a person does in a real browser while `tessera login` waits: opens the verification
 * address, types the user code shown in the terminal (or, given verification_uri_complete and no
 * code, finds it filled in), allows the CLI, signs in at dev-idp as `user` (password = login, a
 * consent page clicked through should dev-idp show one), and sees the page that says the device
 * is connected. Returns that page's heading.
 */
export async function approveInChromium(browser: Browser, verificationUri: string, userCode: string | undefined, user: string): Promise<string> {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    const issuer = new URL(verificationUri).origin;
    await page.goto(verificationUri);
    await page.getByRole('heading', { level: 1, name: 'Connect a device' }).waitFor();
    if (userCode === undefined) assert.match(await page.locator('#user-code').inputValue(), /^[A-Z]{4}-[A-Z]{4}$/);
    else await page.locator('#user-code').fill(userCode.toLowerCase().replace('-', ''));
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('heading', { level: 1, name: /^Allow .* to act for you\?$/ }).waitFor();
    await page.getByRole('button', { name: 'Allow' }).click();
    await page.waitForURL((url) => url.origin !== issuer);
    const idp = new URL(page.url()).origin;
    await page.locator('input[name=login]').fill(user);
    await page.locator('input[name=password]').fill(user);
    await page.getByRole('button', { name: 'Sign in' }).click();
    for (let step = 0; step < 3 && new URL(page.url()).origin === idp; step++) {
      const left = await page.waitForURL((url) => url.origin !== idp, { timeout: 5_000 }).then(() => true, () => false);
      if (left) break;
      const consent = page.locator('form button[type=submit], form input[type=submit]').first();
      assert.ok((await consent.count()) > 0, `stuck at dev-idp: ${await page.locator('body').innerText()}`);
      await consent.click();
    }
    const heading = page.getByRole('heading', { level: 1 });
    await heading.waitFor();
    return (await heading.innerText()).trim();
  } finally {
    await context.close();
  }
}
