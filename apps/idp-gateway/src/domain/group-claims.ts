import { parseGroupEntitlement } from './group-entitlement.js';

/** The dialect an IdP speaks for groups (proto ProviderType). */
export type IdpType = 'generic' | 'iam' | 'checkin';

export interface GroupMapping {
  type: IdpType;
  /** The claim that carries group membership. */
  groupsClaim: string;
  /** Check-In style: the entitlement authorities (the part after `#`) whose groups count; when
   * absent, any. AARC-G002 §3: an entitlement means what its authority says it means. */
  entitlementAuthorities?: readonly string[];
}

export interface ParsedGroups {
  /** Normalised group paths ("/dirac/user"), sorted and unique. */
  groups: string[];
  /** Each group claim read, with its string values as the IdP sent them. */
  raw: { claim: string; values: string[] }[];
}

/** WLCG Common JWT Profiles §3.2: INDIGO IAM's group claim, and the prefix of its group scope. */
const WLCG_GROUPS = 'wlcg.groups';

/**
 * Group membership from an IdP's claims, named as Tessera's registry names groups: paths like
 * "/dirac/user".
 *
 * - generic: the configured claim, an array of strings or one string (one group; never split).
 *   A value without a leading "/" gets one.
 * - iam: `wlcg.groups` (already paths), and the configured claim too when it is another one
 *   (e.g. IAM's plain `groups`), normalised as for generic.
 * - checkin: AARC-G002 entitlements in the configured claim (`eduperson_entitlement`):
 *     `urn:…:group:dirac:role=member#aai.egi.eu`              → "/dirac"
 *     `urn:…:group:dirac:prod:role=vm_operator#aai.egi.eu`    → "/dirac/prod", "/dirac/prod/Role=vm_operator"
 *     `urn:…:group:dirac:prod#aai.egi.eu` (no role)           → "/dirac/prod"
 *   The path is the group and its subgroups. A role is held within a group, so any role also
 *   yields the group's path; a role other than `member` (plain membership) also yields the
 *   VOMS FQAN form `<path>/Role=<role>`, which is how DIRAC's VOMSRole names roles. No group
 *   component may begin with "role=", so the two forms never collide. The namespace and the
 *   authority are not part of the path: a provider's entitlements are interpreted per provider.
 *
 * Values that are not strings, and entitlements that are malformed, are skipped: one odd value
 * must not cost a user their other groups.
 */
export function parseGroups(claims: Record<string, unknown>, mapping: GroupMapping): ParsedGroups {
  const names = mapping.type === 'iam' ? [...new Set([WLCG_GROUPS, mapping.groupsClaim])] : [mapping.groupsClaim];
  const raw = names.flatMap((claim) => {
    const values = stringValues(claims[claim]);
    return values === undefined ? [] : [{ claim, values }];
  });
  const values = raw.flatMap((r) => r.values).filter((v) => v !== '');
  const groups = mapping.type === 'checkin' ? values.flatMap((v) => entitlementPaths(v, mapping.entitlementAuthorities)) : values.map(asPath);
  return { groups: [...new Set(groups)].sort(), raw };
}

/**
 * The scope that asks the IdP for one group, for IdPs that have one: INDIGO IAM's
 * `wlcg.groups:/dirac/user` (WLCG Common JWT Profiles §3.2). Check-In and generic IdPs have
 * none; for them the provider's configured scopes ask for the whole group claim.
 */
export function groupScope(type: IdpType, group: string): string | undefined {
  return type === 'iam' ? `${WLCG_GROUPS}:${asPath(group)}` : undefined;
}

/** The claim's string values; undefined when the claim is absent or neither string nor array. */
function stringValues(claim: unknown): string[] | undefined {
  if (typeof claim === 'string') return [claim];
  if (!Array.isArray(claim)) return undefined;
  return claim.filter((v): v is string => typeof v === 'string');
}

function asPath(value: string): string {
  return value.startsWith('/') ? value : `/${value}`;
}

function entitlementPaths(value: string, authorities: readonly string[] | undefined): string[] {
  const entitlement = parseGroupEntitlement(value);
  if (!entitlement) return [];
  if (authorities !== undefined && !authorities.includes(entitlement.authority)) return [];
  const path = `/${entitlement.groups.join('/')}`;
  const { role } = entitlement;
  return role === undefined || role === 'member' ? [path] : [path, `${path}/Role=${role}`];
}
