import { html } from './html.js';
import { layout } from './layout.js';

export interface GroupChooserPage {
  csrfToken: string;
  flowId: string;
  userId: string;
  groups: { name: string; vo: string; properties: string[] }[];
}

/** A user in several groups picks the one this sign-in acts as. */
export function groupChooserPage({ csrfToken, flowId, userId, groups }: GroupChooserPage): string {
  return layout({
    title: 'Choose a group',
    body: html`<h1>Choose a group</h1>
<p>You, <span class="reference">${userId}</span>, are in more than one group. Choose the group to act as for this sign-in.</p>
<form method="post" action="/login/group">
<input type="hidden" name="csrf" value="${csrfToken}">
<input type="hidden" name="flow" value="${flowId}">
<ul class="choices">
${groups.map(
  (g) => html`<li><button type="submit" name="group" value="${g.name}" class="choice">${g.name}
<span class="detail">Community: ${g.vo}${g.properties.length > 0 && html` · ${g.properties.join(', ')}`}</span></button></li>\n`,
)}
</ul>
</form>`,
  });
}
