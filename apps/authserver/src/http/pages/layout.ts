import { createHash } from 'node:crypto';
import { html, trustedHtml, type Html } from './html.js';

// The only stylesheet. It is inline so pages load nothing else, and the CSP allows it by hash
// (STYLESHEET_HASH) rather than by 'unsafe-inline'. No page needs JavaScript.
export const STYLESHEET = `
:root{color-scheme:light dark;--bg:#f4f5f7;--card:#fff;--text:#1a1d23;--muted:#525a66;--line:#cfd4dc;
--accent:#1f5fbf;--accent-text:#fff;--focus:#f0a500;--danger:#a4262c;--danger-bg:#fdecec;--warn-bg:#fff6dc;--warn-line:#c99a00}
@media (prefers-color-scheme:dark){:root{--bg:#14161a;--card:#1d2026;--text:#e8eaee;--muted:#a7afbb;--line:#3a404a;
--accent:#6fa3ff;--accent-text:#0b1220;--focus:#ffc940;--danger:#ff8a8a;--danger-bg:#3a1d1f;--warn-bg:#3a3218;--warn-line:#c99a00}}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;background:var(--bg);color:var(--text);font:1rem/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;overflow-wrap:anywhere}
main{max-width:34rem;margin:0 auto;padding:1.5rem 1rem 3rem}
.brand{margin:0 0 1rem;font-weight:700;letter-spacing:.04em;color:var(--muted)}
.card{background:var(--card);border:1px solid var(--line);border-radius:.75rem;padding:1.5rem}
h1{font-size:1.5rem;line-height:1.25;margin:0 0 .75rem}
h2{font-size:1.1rem;margin:1.5rem 0 .5rem}
p{margin:0 0 1rem}
.card>:last-child,.warning>:last-child,.alert>:last-child{margin-bottom:0}
label{display:block;font-weight:600;margin-bottom:.25rem}
.hint{color:var(--muted);font-size:.925rem;margin:.25rem 0 1rem}
input[type=text]{display:block;width:100%;min-height:3rem;padding:.5rem .75rem;font:inherit;font-size:1.5rem;
letter-spacing:.15em;text-transform:uppercase;font-family:ui-monospace,Menlo,Consolas,monospace;
color:var(--text);background:var(--bg);border:2px solid var(--line);border-radius:.5rem}
input[aria-invalid=true]{border-color:var(--danger)}
button{display:block;width:100%;min-height:3rem;margin:0 0 .75rem;padding:.625rem 1rem;font:inherit;font-weight:600;
text-align:center;border-radius:.5rem;border:2px solid var(--accent);background:var(--accent);color:var(--accent-text);cursor:pointer}
button.secondary{background:transparent;color:var(--text);border-color:var(--line)}
button.choice{text-align:left;background:transparent;color:var(--text);border-color:var(--line)}
button.choice:hover,button.secondary:hover{border-color:var(--accent)}
button .detail{display:block;font-weight:400;font-size:.875rem;color:var(--muted)}
:focus-visible{outline:3px solid var(--focus);outline-offset:2px}
.actions{display:flex;flex-wrap:wrap;gap:.75rem;margin-top:1.25rem}
.actions button{flex:1 1 12rem;margin:0}
ul.choices{list-style:none;margin:0;padding:0}
.alert{border:1px solid var(--danger);background:var(--danger-bg);border-radius:.5rem;padding:.75rem 1rem;margin:0 0 1rem}
.warning{border-left:4px solid var(--warn-line);background:var(--warn-bg);border-radius:.25rem;padding:.75rem 1rem;margin:1rem 0}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.375rem 1rem;margin:0 0 1rem}
dt{color:var(--muted)}
dd{margin:0;overflow-wrap:anywhere;min-width:0}
ul.scopes{margin:0 0 1rem;padding-left:1.25rem}
.code{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:1.25rem;letter-spacing:.12em;font-weight:700}
.reference{font-family:ui-monospace,Menlo,Consolas,monospace;overflow-wrap:anywhere}
@media (max-width:26rem){dl{grid-template-columns:1fr}dd{margin-bottom:.5rem}main{padding-top:1rem}.card{padding:1.25rem 1rem}}
`;

/** The CSP source that allows exactly STYLESHEET (CSP3 hash-source: base64 of the SHA-256). */
export const STYLESHEET_HASH = `'sha256-${createHash('sha256').update(STYLESHEET, 'utf8').digest('base64')}'`;

export interface LayoutParts {
  title: string;
  body: Html;
}

/** The document every page shares: one `<main>`, the page's `<h1>` inside `body`. */
export function layout({ title, body }: LayoutParts): string {
  // The data: icon stops the browser asking for /favicon.ico (img-src allows data: only).
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta name="referrer" content="no-referrer">
<title>${title} · Tessera</title>
<link rel="icon" href="data:,">
<style>${trustedHtml(STYLESHEET)}</style>
</head>
<body>
<main>
<p class="brand">Tessera</p>
<div class="card">
${body}
</div>
</main>
</body>
</html>
`.toString();
}
