import { escapeHtml, page } from './html.js';

export interface LoginPageInput {
  uid: string;
  clientId: string;
  /** Shown back in the form after a refused attempt; the password never is. */
  login?: string;
  error?: string;
}

/** The login form; Tessera's docs and tests rely on the input names `login` and `password`. */
export function loginPage(input: LoginPageInput): string {
  const error = input.error === undefined ? '' : `<p class="error" role="alert">${escapeHtml(input.error)}</p>\n`;
  return page(
    'Sign in',
    `<p>to continue to <strong>${escapeHtml(input.clientId)}</strong></p>
${error}<form method="post" action="/interaction/${encodeURIComponent(input.uid)}" autocomplete="off">
<label for="login">Login</label>
<input id="login" name="login" type="text" required autofocus value="${escapeHtml(input.login ?? '')}">
<label for="password">Password</label>
<input id="password" name="password" type="password" required>
<button type="submit">Sign in</button>
</form>`,
  );
}
