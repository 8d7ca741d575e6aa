import { html } from './html.js';
import { layout } from './layout.js';
import { describeScope } from './describe-scope.js';
import { displayUserCode } from '../../services/secrets.js';

export interface ConfirmationPage {
  csrfToken: string;
  flowId: string;
  clientName: string;
  clientId: string;
  /** When the device asked for the code (the device authorization request). */
  requestedAt: Date;
  /** Where the device authorization request came from. */
  origin: { ipAddress: string; userAgent: string };
  /** The scopes as requested; each is shown in words. */
  scopes: string[];
  userCode: string;
}

/** 2025-03-04T14:05:09.000Z → "2025-03-04 14:05:09 UTC": the same for every reader, no locale. */
const utc = (at: Date): string => `${at.toISOString().slice(0, 19).replace('T', ' ')} UTC`;

/**
 * Asks the signed-in user to approve a device. RFC 8628 §5.4 (remote phishing): the page says
 * which client asks and from where, and tells the user to go on only if they started it.
 */
export function confirmationPage(page: ConfirmationPage): string {
  const { csrfToken, flowId, clientName, clientId, requestedAt, origin, scopes, userCode } = page;
  return layout({
    title: `Allow ${clientName}?`,
    body: html`<h1>Allow ${clientName} to act for you?</h1>
<p>A device asked to sign in to Tessera as you with the code <span class="code">${displayUserCode(userCode)}</span>.</p>
<div class="warning">
<p><strong>Continue only if you started this yourself, on your own device, just now.</strong>
If someone sent you this link or code, choose Deny: approving would give them access to your account.</p>
</div>
<h2>Who is asking</h2>
<dl>
<dt>Application</dt><dd>${clientName} (<span class="reference">${clientId}</span>)</dd>
<dt>Requested</dt><dd><time datetime="${requestedAt.toISOString()}">${utc(requestedAt)}</time></dd>
<dt>IP address</dt><dd>${origin.ipAddress}</dd>
<dt>Software</dt><dd>${origin.userAgent === '' ? 'not stated' : origin.userAgent}</dd>
</dl>
<h2>What it will be able to do</h2>
${
  scopes.length === 0
    ? html`<p>Sign in as you, with no further permissions.</p>`
    : html`<ul class="scopes">${scopes.map((scope) => html`<li>${describeScope(scope)}</li>`)}</ul>`
}
<form method="post" action="/device/confirm">
<input type="hidden" name="csrf" value="${csrfToken}">
<input type="hidden" name="flow" value="${flowId}">
<div class="actions">
<button type="submit" name="decision" value="approve">Allow</button>
<button type="submit" name="decision" value="deny" class="secondary">Deny</button>
</div>
</form>`,
  });
}
