import { namespaceKey, parseGroupEntitlement } from './group-entitlement.js';
import { groupPath, MAX_GROUP_VALUE_LENGTH, parseGroupPath, type GroupPathResult } from './group-path.js';

/** The dialect an IdP speaks for groups (proto ProviderType). */
export type IdpType = 'generic' | 'iam' | 'checkin';

export interface GroupMapping {
  type: IdpType;
  /** The claim that carries group membership. */
  groupsClaim: string;
  /** Check-In style: the entitlement authorities (the part after `#`) whose groups count; when
   * absent, any. AARC-G002 §3: an entitlement means what its authority says it means. */
  entitlementAuthorities?: readonly string[] | undefined;
  /** Check-In style: the namespaces (everything before `:group:`, e.g. `urn:mace:egi.eu`) whose
   * group entitlements count; when absent, none does. */
  entitlementNamespaces?: readonly string[] | undefined;
}

/** Why a claim value yields no group: the closed set `idp_group_claims_rejected_total` counts. */
export type GroupRejection = 'malformed' | 'invalid_name' | 'too_long' | 'too_deep' | 'too_many_values' | 'untrusted_namespace' | 'untrusted_authority';

export interface ParsedGroups {
  /** Normalised group paths ("/dirac/user"), sorted and unique. */
  groups: string[];
  /** Each group claim read, with its string values as the IdP sent them: at most
   * `MAX_GROUP_VALUES` of them, none longer than `MAX_GROUP_VALUE_LENGTH` (they go on the wire). */
  raw: { claim: string; values: string[] }[];
  /** How many values yielded no group, per reason that occurred. */
  rejected: { reason: GroupRejection; count: number }[];
}

/** Values read from one claim; any beyond are rejected as `too_many_values`, unread. */
export const MAX_GROUP_VALUES = 1024;

/** WLCG Common JWT Profiles §3.2: INDIGO IAM's group claim, and the prefix of its group scope. */
const WLCG_GROUPS = 'wlcg.groups';

type Outcome = { paths: string[]; reason?: undefined } | { paths?: undefined; reason: GroupRejection };

/**
 * Group membership from an IdP's claims, named as Tessera's registry names groups: paths like
 * "/dirac/user", each checked by group-path.ts.
 *
 * - generic: the configured claim, an array of strings or one string (one group; never split).
 *   A value without a leading "/" gets one.
 * - iam: `wlcg.groups`, whose values must already be paths (WLCG Common JWT Profiles §3.2), and
 *   the configured claim too when it is another one (e.g. IAM's plain `groups`), as for generic.
 * - checkin: AARC-G002 entitlements in the configured claim (`eduperson_entitlement`):
 *     `urn:…:group:dirac:role=member#aai.egi.eu`              → "/dirac"
 *     `urn:…:group:dirac:prod:role=vm_operator#aai.egi.eu`    → "/dirac/prod", "/dirac/prod/Role=vm_operator"
 *     `urn:…:group:dirac:prod#aai.egi.eu` (no role)           → "/dirac/prod"
 *   The path is the group and its subgroups. A role is held within a group, so any role also
 *   yields the group's path; a role other than `member` (plain membership) also yields the
 *   VOMS FQAN form `<path>/Role=<role>`, which is how DIRAC's VOMSRole names roles. The
 *   namespace is not part of the path, so it must be one the configuration trusts for this IdP,
 *   or any IdP could name another's groups; the authority must be allowed when a list is set.
 *   Entitlements that are not group entitlements (capabilities, URLs) are no groups and no fault.
 *
 * A value is taken whole or not at all: one that does not parse, is too long or too deep, or
 * comes from an untrusted namespace or authority yields nothing and is counted in `rejected`;
 * it never costs the user their other groups.
 */
export function parseGroups(claims: Record<string, unknown>, mapping: GroupMapping): ParsedGroups {
  const names = mapping.type === 'iam' ? [...new Set([WLCG_GROUPS, mapping.groupsClaim])] : [mapping.groupsClaim];
  const trusted = new Set((mapping.entitlementNamespaces ?? []).map(namespaceKey));
  const groups = new Set<string>();
  const rejected = new Map<GroupRejection, number>();
  const reject = (reason: GroupRejection, count = 1) => rejected.set(reason, (rejected.get(reason) ?? 0) + count);
  const raw: ParsedGroups['raw'] = [];
  for (const claim of names) {
    const claimed = claims[claim];
    // OpenID Connect Core §5.3.2: a claim the IdP does not return is omitted or null.
    if (claimed === undefined || claimed === null) continue;
    const values: unknown[] | undefined = typeof claimed === 'string' ? [claimed] : Array.isArray(claimed) ? claimed : undefined;
    if (values === undefined) {
      reject('malformed');
      continue;
    }
    if (values.length > MAX_GROUP_VALUES) reject('too_many_values', values.length - MAX_GROUP_VALUES);
    const read = values.slice(0, MAX_GROUP_VALUES);
    raw.push({ claim, values: read.filter((v): v is string => typeof v === 'string' && v.length <= MAX_GROUP_VALUE_LENGTH) });
    for (const value of read) {
      const outcome = typeof value !== 'string' ? { reason: 'malformed' as const } : pathsOf(value, claim, mapping, trusted);
      if (outcome.reason) reject(outcome.reason);
      else outcome.paths.forEach((p) => groups.add(p));
    }
  }
  return { groups: [...groups].sort(), raw, rejected: [...rejected].map(([reason, count]) => ({ reason, count })) };
}

/**
 * The scope that asks the IdP for one group, for IdPs that have one: INDIGO IAM's
 * `wlcg.groups:/dirac/user` (WLCG Common JWT Profiles §3.2). Check-In and generic IdPs have
 * none; for them the provider's configured scopes ask for the whole group claim.
 */
export function groupScope(type: IdpType, group: string): string | undefined {
  return type === 'iam' ? `${WLCG_GROUPS}:${asPath(group)}` : undefined;
}

function pathsOf(value: string, claim: string, mapping: GroupMapping, trusted: ReadonlySet<string>): Outcome {
  if (value.length > MAX_GROUP_VALUE_LENGTH) return { reason: 'too_long' };
  if (mapping.type === 'checkin') return entitlementPaths(value, mapping, trusted);
  return single(parseGroupPath(mapping.type === 'iam' && claim === WLCG_GROUPS ? value : asPath(value)));
}

function asPath(value: string): string {
  return value.startsWith('/') ? value : `/${value}`;
}

function entitlementPaths(value: string, mapping: GroupMapping, trusted: ReadonlySet<string>): Outcome {
  const parsed = parseGroupEntitlement(value);
  if (parsed.kind === 'other') return { paths: [] };
  if (parsed.kind === 'rejected') return { reason: parsed.reason };
  const { namespace, groups, role, authority } = parsed.entitlement;
  if (!trusted.has(namespaceKey(namespace))) return { reason: 'untrusted_namespace' };
  const authorities = mapping.entitlementAuthorities;
  if (authorities !== undefined && !authorities.includes(authority)) return { reason: 'untrusted_authority' };
  const group = groupPath(groups);
  if (group.reason || role === undefined || role === 'member') return single(group);
  const held = groupPath(groups, role);
  return held.reason ? { reason: held.reason } : { paths: [group.path, held.path] };
}

function single(result: GroupPathResult): Outcome {
  return result.reason ? { reason: result.reason } : { paths: [result.path] };
}
