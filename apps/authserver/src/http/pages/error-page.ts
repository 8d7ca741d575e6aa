import { html } from './html.js';
import { layout } from './layout.js';

export interface ErrorPage {
  /** Public words only: the caller chooses them; causes and details go to the log. */
  title: string;
  message: string;
  status: number;
}

/** Any failure shown to a browser. It renders only what it is given, never an error object. */
export function errorPage({ title, message, status }: ErrorPage): string {
  return layout({
    title,
    body: html`<h1>${title}</h1>
<p>${message}</p>
<p class="hint">Error ${status}</p>`,
  });
}
