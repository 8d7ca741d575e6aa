// SPIFFE-ID spec §2.1–2.2: a trust domain is lowercase letters, digits, `.`, `-` and `_`; path
// segments also allow uppercase letters, and neither `.` nor `..` is a segment.
const TRUST_DOMAIN = /^[a-z0-9._-]+$/;
const SEGMENT = /^[A-Za-z0-9._-]+$/;

/** `spiffe://<trustDomain>/<name>`: the URI SAN that is a service's identity on mTLS. */
export function spiffeId(trustDomain: string, name: string): string {
  if (!TRUST_DOMAIN.test(trustDomain)) throw new TypeError(`invalid SPIFFE trust domain: ${JSON.stringify(trustDomain)}`);
  const segments = name.split('/');
  if (!segments.every((s) => SEGMENT.test(s) && s !== '.' && s !== '..')) {
    throw new TypeError(`invalid SPIFFE ID path: ${JSON.stringify(name)}`);
  }
  return `spiffe://${trustDomain}/${name}`;
}
