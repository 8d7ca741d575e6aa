import { STYLESHEET_HASH } from './pages/layout.js';

export interface SecurityHeaderOptions {
  /**
   * Origins a form on the page may lead to besides this one. Chromium checks form-action on every
   * redirect a form submission follows, so a POST answered with 303 to an IdP is blocked unless
   * the IdP's origin (and that of each redirect it answers with at once) is listed here.
   */
  formActionOrigins?: readonly string[];
}

/** The pages load nothing but their one hashed inline stylesheet and data: images. */
export function contentSecurityPolicy({ formActionOrigins = [] }: SecurityHeaderOptions = {}): string {
  for (const origin of formActionOrigins) {
    if (new URL(origin).origin !== origin) throw new Error(`form-action origin must be a bare origin: ${origin}`);
  }
  return [
    "default-src 'none'",
    `style-src ${STYLESHEET_HASH}`,
    'img-src data:',
    ["form-action 'self'", ...formActionOrigins].join(' '),
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; ');
}

const NEVER_STORED = { 'cache-control': 'no-store', pragma: 'no-cache', 'x-content-type-options': 'nosniff' } as const;

/** For every HTML page: strict CSP, never cached, never framed, no referrer leaves. */
export function securityHeaders(options: SecurityHeaderOptions = {}): Record<string, string> {
  return {
    'content-type': 'text/html; charset=utf-8',
    'content-security-policy': contentSecurityPolicy(options),
    ...NEVER_STORED,
    'referrer-policy': 'no-referrer',
    'x-frame-options': 'DENY',
    'cross-origin-opener-policy': 'same-origin',
    'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=()',
  };
}

/** For the OAuth endpoints' JSON (RFC 6749 §5.1: token responses are not cached). */
export function jsonSecurityHeaders(): Record<string, string> {
  return { 'content-type': 'application/json', ...NEVER_STORED };
}
