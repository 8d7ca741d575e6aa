import { html } from './html.js';
import { layout } from './layout.js';

export interface SuccessPage {
  /** 'device': a device flow was approved; 'code': a browser sign-in for an application finished. */
  kind: 'device' | 'code';
  clientName: string;
}

/** The end of a flow: nothing more to do in this window. */
export function successPage({ kind, clientName }: SuccessPage): string {
  return layout({
    title: 'Signed in',
    body:
      kind === 'device'
        ? html`<h1>Your device is connected</h1>
<p>${clientName} is now signed in as you. Return to your terminal or device to carry on.</p>
<p>You may close this window.</p>`
        : html`<h1>You are signed in</h1>
<p>You are now signed in to ${clientName}. Return to it to carry on.</p>
<p>You may close this window.</p>`,
  });
}
