import { html } from './html.js';
import { layout } from './layout.js';

export interface UnregisteredPage {
  /** The Identity Provider the user signed in with, as shown to users. */
  provider: string;
  /** The account's subject at that provider. */
  subject: string;
  /** Logged with the attempt, so an administrator can find it. */
  reference: string;
}

/** The IdP vouched for the user, but Tessera has no user for that account. */
export function unregisteredPage({ provider, subject, reference }: UnregisteredPage): string {
  return layout({
    title: 'Account not registered',
    body: html`<h1>This account is not registered</h1>
<p>You signed in with ${provider}, but that account is not registered in Tessera, so you cannot use it here yet.</p>
<p>To be registered, ask your community's administrator, and give them these details:</p>
<dl>
<dt>Provider</dt><dd>${provider}</dd>
<dt>Account</dt><dd class="reference">${subject}</dd>
<dt>Reference</dt><dd class="reference">${reference}</dd>
</dl>
<p class="hint">With the reference, an administrator can find this attempt in Tessera's logs.</p>`,
  });
}
