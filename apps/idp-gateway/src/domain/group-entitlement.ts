import { isGroupName } from './group-path.js';

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

export type ParsedEntitlement =
  | { kind: 'group'; entitlement: GroupEntitlement }
  /** Another kind of entitlement (an AARC-G027 capability, a URL…): they share the claim. */
  | { kind: 'other' }
  /** Written as a group entitlement, but not a valid one. */
  | { kind: 'rejected'; reason: 'malformed' | 'invalid_name' };

const URN = /^urn:/i;
const ROLE_PREFIX = /^role=/i;
/** RFC 8141 §2: a URN is ASCII; anything else must be percent-encoded. */
const PRINTABLE_ASCII = /^[\x21-\x7E]+$/;

/**
 * Parses one entitlement. Any value that begins with `urn:` and has a `group` segment is taken
 * to be a group entitlement and must then parse completely; the decoded names (and role) must
 * be group names (see group-path.ts), so an escape cannot smuggle in a "/", a control
 * character or a "role=".
 */
export function parseGroupEntitlement(value: string): ParsedEntitlement {
  const hash = value.indexOf('#');
  const segments = (hash < 0 ? value : value.slice(0, hash)).split(':');
  if (!URN.test(value) || !segments.some((s, i) => i >= 2 && s.toLowerCase() === 'group')) return { kind: 'other' };
  const malformed = { kind: 'rejected', reason: 'malformed' } as const;
  if (!PRINTABLE_ASCII.test(value) || hash < 0 || value.indexOf('#', hash + 1) >= 0) return malformed;
  const authority = value.slice(hash + 1);
  // The namespace has at least a NID and a delegated namespace, so the `group` delimiter comes at
  // index 3 or later; the first one there ends the namespace.
  const at = segments.findIndex((s, i) => i >= 3 && s.toLowerCase() === 'group');
  if (authority === '' || at < 0 || segments.slice(1, at).some((s) => s === '')) return malformed;

  let path = segments.slice(at + 1);
  let role: string | undefined;
  const last = path.at(-1);
  if (last !== undefined && ROLE_PREFIX.test(last)) {
    role = decode(last.slice('role='.length));
    if (role === undefined) return malformed;
    path = path.slice(0, -1);
  }
  // AARC-G002 §3: percent-encoding (RFC 3986 §2.1) protects ":" and "#" inside names.
  const groups: string[] = [];
  for (const segment of path) {
    const name = decode(segment);
    if (name === undefined) return malformed;
    groups.push(name);
  }
  if (groups.length === 0) return malformed;
  if (!groups.every(isGroupName) || (role !== undefined && !isGroupName(role))) return { kind: 'rejected', reason: 'invalid_name' };
  return { kind: 'group', entitlement: { namespace: segments.slice(0, at).join(':'), groups, role, authority } };
}

/**
 * The form in which two namespaces are compared: RFC 8141 §3.1 makes the `urn` prefix and the NID
 * case-insensitive and leaves the rest case-sensitive. Percent-encoding is not normalised: a
 * trusted namespace is configured without any, so an encoded one never equals it.
 */
export function namespaceKey(namespace: string): string {
  const [urn = '', nid = '', ...rest] = namespace.split(':');
  return [urn.toLowerCase(), nid.toLowerCase(), ...rest].join(':');
}

function decode(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined; // a stray "%" or an invalid UTF-8 sequence
  }
}
