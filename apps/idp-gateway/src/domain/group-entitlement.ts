/**
 * A group membership entitlement as AARC-G002 §3 writes it (EGI Check-In's
 * `eduperson_entitlement`):
 *
 *   urn:<NID>:<DELEGATED-NAMESPACE>[:<SUBNAMESPACE>…]:group:<GROUP>[:<SUBGROUP>…][:role=<ROLE>]#<GROUP-AUTHORITY>
 *
 * e.g. `urn:mace:egi.eu:group:dirac:prod:role=vm_operator#aai.egi.eu`.
 */
export interface GroupEntitlement {
  /** `urn:<NID>:<DELEGATED-NAMESPACE>…`, as sent. */
  namespace: string;
  /** The group and its subgroups, outermost first, percent-decoded: ["dirac", "prod"]. */
  groups: string[];
  /** The role, percent-decoded; undefined when the entitlement states none. */
  role: string | undefined;
  /** Who asserts the membership, e.g. "aai.egi.eu". */
  authority: string;
}

const ROLE_PREFIX = /^role=/i;

/**
 * Parses one entitlement, or returns undefined when it is not a group entitlement of that shape
 * (other entitlements, such as AARC-G027 capabilities, share the claim). Segments become path
 * components, so a decoded segment may not be empty, ".", "..", contain "/", or begin with
 * "role=": that keeps the paths derived from it unambiguous.
 */
export function parseGroupEntitlement(value: string): GroupEntitlement | undefined {
  if (/\s/.test(value)) return undefined;
  const hash = value.indexOf('#');
  if (hash < 0 || value.indexOf('#', hash + 1) >= 0) return undefined;
  const authority = value.slice(hash + 1);
  const segments = value.slice(0, hash).split(':');
  // RFC 8141 §3.1: the "urn" prefix is case-insensitive. The namespace has at least a NID and a
  // delegated namespace, so the `group` delimiter comes at index 3 or later.
  if (authority === '' || segments[0]?.toLowerCase() !== 'urn') return undefined;
  const at = segments.findIndex((s, i) => i >= 3 && s.toLowerCase() === 'group');
  if (at < 0 || segments.slice(1, at).some((s) => s === '')) return undefined;

  let path = segments.slice(at + 1);
  let role: string | undefined;
  const last = path.at(-1);
  if (last !== undefined && ROLE_PREFIX.test(last)) {
    role = decode(last.slice('role='.length));
    if (role === undefined || role === '' || role.includes('/')) return undefined;
    path = path.slice(0, -1);
  }
  // AARC-G002 §3: percent-encoding (RFC 3986 §2.1) protects ":" and "#" inside names.
  const groups = path.map(decode);
  if (groups.length === 0 || !groups.every(isPathComponent)) return undefined;
  return { namespace: segments.slice(0, at).join(':'), groups, role, authority };
}

function decode(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined; // a stray "%" or an invalid UTF-8 sequence
  }
}

function isPathComponent(segment: string | undefined): segment is string {
  return segment !== undefined && segment !== '' && segment !== '.' && segment !== '..' && !segment.includes('/') && !ROLE_PREFIX.test(segment);
}
