import { html } from './html.js';
import { layout } from './layout.js';

export interface IdpChooserPage {
  csrfToken: string;
  flowId: string;
  providers: { name: string; displayName: string }[];
}

/** The user picks the Identity Provider to sign in with; each provider is one button. */
export function idpChooserPage({ csrfToken, flowId, providers }: IdpChooserPage): string {
  return layout({
    title: 'Choose how to sign in',
    body: html`<h1>Choose how to sign in</h1>
<p>Sign in with the account your community gave you.</p>
<form method="post" action="/login/idp">
<input type="hidden" name="csrf" value="${csrfToken}">
<input type="hidden" name="flow" value="${flowId}">
<ul class="choices">
${providers.map((p) => html`<li><button type="submit" name="provider" value="${p.name}" class="choice">${p.displayName}</button></li>\n`)}
</ul>
</form>`,
  });
}
