import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * The token a flow's forms carry: an HMAC of the flow id keyed with this browser's binding value.
 * The binding cookie is HttpOnly and never leaves this origin, so another site cannot compute the
 * token; and since it needs no server key, any replica checks what another one served.
 */
export function csrfTokenFor(bindingValue: string, flowId: string): string {
  return createHmac('sha256', `tessera-csrf:${bindingValue}`).update(flowId).digest('base64url');
}

/** Whether `presented` is the token for this browser and flow, compared in constant time. */
export function checkCsrf(bindingValue: string, flowId: string, presented: string | undefined): boolean {
  if (presented === undefined || bindingValue === '') return false;
  const expected = Buffer.from(csrfTokenFor(bindingValue, flowId));
  const actual = Buffer.from(presented);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** A fresh random value for the browser-binding cookie. */
export const newBindingValue = (): string => randomBytes(32).toString('base64url');

const BASE_NAME = 'tessera-binding';

/** `__Host-` (RFC 6265bis §4.1.3.2) pins the cookie to this host over HTTPS; http:// dev cannot use it. */
export const bindingCookieName = ({ secure }: { secure: boolean }): string => (secure ? `__Host-${BASE_NAME}` : BASE_NAME);

/** The Set-Cookie value. Lax: it is still sent when the IdP redirects the browser back (a GET). */
export function bindingCookie(value: string, { secure }: { secure: boolean }): string {
  return [`${bindingCookieName({ secure })}=${value}`, 'Path=/', 'HttpOnly', 'SameSite=Lax', ...(secure ? ['Secure'] : [])].join('; ');
}

/** The binding value from a Cookie header, or undefined. */
export function parseBindingCookie(cookieHeader: string | undefined, { secure }: { secure: boolean }): string | undefined {
  const name = bindingCookieName({ secure });
  for (const pair of (cookieHeader ?? '').split(';')) {
    const at = pair.indexOf('=');
    if (at > 0 && pair.slice(0, at).trim() === name) {
      const value = pair.slice(at + 1).trim();
      return /^[A-Za-z0-9_-]{1,128}$/.test(value) ? value : undefined;
    }
  }
  return undefined;
}
