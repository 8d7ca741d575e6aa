import type { Configuration, ProviderContext } from 'oidc-provider';
import { escapeHtml, page } from './html.js';

type DeviceFlowPages = Pick<Configuration['features']['deviceFlow'], 'userCodeInputSource' | 'userCodeConfirmSource' | 'successSource'>;

function render(ctx: ProviderContext, html: string): void {
  ctx.type = 'html';
  ctx.body = html;
}

/**
 * RFC 8628 §3.3 user interaction pages. oidc-provider builds the forms (with their CSRF token);
 * these only wrap them, replacing its defaults, which log a notice on first use and load web fonts.
 */
export const devicePages: DeviceFlowPages = {
  async userCodeInputSource(ctx, form, _out, err) {
    const message = err === undefined ? '<p>Enter the code shown on your device.</p>' : '<p class="error" role="alert">The code is wrong or has expired. Try again.</p>';
    render(ctx, page('Device sign-in', `${message}\n${form}\n<button type="submit" form="op.deviceInputForm">Continue</button>`));
  },
  async userCodeConfirmSource(ctx, form, client, _deviceInfo, userCode) {
    render(
      ctx,
      page(
        'Confirm device',
        `<p><strong>${escapeHtml(client.clientId)}</strong> asks to sign in. Check that your device shows <code>${escapeHtml(userCode)}</code>.</p>
${form}
<button type="submit" form="op.deviceConfirmForm">Continue</button>
<button type="submit" form="op.deviceConfirmForm" name="abort" value="yes">Abort</button>`,
      ),
    );
  },
  async successSource(ctx) {
    render(ctx, page('Device signed in', '<p>You can close this page and return to your device.</p>'));
  },
};
