/** A SPIFFE ID in the trust domain (SPIFFE-ID §2): `spiffe://<td>/<path>`, no query, fragment,
 * userinfo or port, path segments non-empty and not dot segments. The one rule for the registry's
 * keys and for the URI SANs of callers' certificates, so a key that passes always can match. */
export function isSpiffeIdIn(trustDomain: string, value: string): boolean {
  const prefix = `spiffe://${trustDomain}/`;
  if (!value.startsWith(prefix)) return false;
  const segments = value.slice(prefix.length).split('/');
  return segments.every((s) => /^[A-Za-z0-9._-]+$/.test(s) && s !== '.' && s !== '..');
}
