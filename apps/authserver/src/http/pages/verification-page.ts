import { displayUserCode } from '../../services/secrets.js';
import { html } from './html.js';
import { layout } from './layout.js';

export type VerificationError = 'unknown' | 'expired' | 'too-many-attempts' | 'invalid';

export interface VerificationPage {
  csrfToken: string;
  /** From verification_uri_complete (RFC 8628 §3.3.1), shown for the user to check and submit. */
  userCode?: string;
  error?: VerificationError;
}

const MESSAGES: Record<VerificationError, string> = {
  unknown: 'That code is not one we know. Check it against the code your device shows and try again.',
  expired: 'That code has expired. Start again on your device to get a new one.',
  'too-many-attempts': 'Too many wrong codes were entered. Wait a minute, then try again.',
  invalid: 'A code is 8 letters, like BCDF-GHJK. Check it and try again.',
};

// RFC 8628 §6.1: the code is typed case-insensitively, with or without its dash (or a space).
// The field is tolerant by design; the server normalises and judges the code.
const USER_CODE_PATTERN = String.raw`\s*[A-Za-z]{4}[\s\-]?[A-Za-z]{4}\s*`;

/** Where the user types the code their device shows (RFC 8628 §3.3). */
export function verificationPage({ csrfToken, userCode, error }: VerificationPage): string {
  const describedBy = error === undefined ? 'user-code-hint' : 'user-code-error user-code-hint';
  return layout({
    title: 'Connect a device',
    body: html`<h1>Connect a device</h1>
<p>Enter the code shown on the device or terminal you want to sign in.</p>
${error !== undefined && html`<div class="alert" id="user-code-error" role="alert">${MESSAGES[error]}</div>`}
<form method="post" action="/device">
<input type="hidden" name="csrf" value="${csrfToken}">
<label for="user-code">Code</label>
<input type="text" id="user-code" name="user_code" value="${userCode === undefined ? '' : displayUserCode(userCode)}"
 required maxlength="12" pattern="${USER_CODE_PATTERN}" title="8 letters, like BCDF-GHJK"
 autocomplete="off" autocapitalize="characters" autocorrect="off" spellcheck="false" inputmode="text"
 aria-describedby="${describedBy}"${error !== undefined && html` aria-invalid="true"`}${userCode === undefined && html` autofocus`}>
<p class="hint" id="user-code-hint">8 letters, like BCDF-GHJK. Upper or lower case, with or without the dash.</p>
<button type="submit">Continue</button>
</form>`,
  });
}
