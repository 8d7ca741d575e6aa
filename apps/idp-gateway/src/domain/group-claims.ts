export type IdpType = 'generic' | 'iam' | 'checkin';

export interface GroupMapping {
  type: IdpType;
  /** The claim that carries group membership. */
  groupsClaim: string;
}

export interface ParsedGroups {
  /** Normalised group paths ("/dirac/user"), sorted and unique. */
  groups: string[];
  /** The claim as the IdP sent it (string values only). */
  raw: { claim: string; values: string[] }[];
}

/**
 * AARC-G002: urn:<namespace>:group:<group>[:<subgroup>…][:role=<role>]#<authority>. The
 * namespace may have several parts (urn:mace:egi.eu); `group` is the delimiter.
 */
const ENTITLEMENT = /^urn:(?:[^:#]+:)+?group:([^#]+?)(?::role=([^:#]+))?#([^#]+)$/i;

/**
 * Group membership from an IdP's claims, as Tessera's registry names groups: paths like
 * "/dirac/user". Check-In entitlements become the path of the group and subgroups, and, for a
 * role other than `member`, also the VOMS-style "/dirac/prod/Role=vm_operator".
 * Malformed values are skipped: one odd entitlement must not cost a user their other groups.
 */
export function parseGroups(claims: Record<string, unknown>, mapping: GroupMapping): ParsedGroups {
  const values = stringValues(claims[mapping.groupsClaim]);
  const raw = values.length > 0 ? [{ claim: mapping.groupsClaim, values }] : [];
  const groups = mapping.type === 'checkin' ? values.flatMap(fromEntitlement) : values.map(asPath);
  return { groups: [...new Set(groups)].sort(), raw };
}

/** The scope that asks the IdP for one group, for IdPs that have one (INDIGO IAM, WLCG profile). */
export function groupScope(type: IdpType, group: string): string | undefined {
  return type === 'iam' ? `wlcg.groups:${asPath(group)}` : undefined;
}

function stringValues(claim: unknown): string[] {
  if (typeof claim === 'string') return claim === '' ? [] : [claim];
  if (!Array.isArray(claim)) return [];
  return claim.filter((v): v is string => typeof v === 'string' && v !== '');
}

function asPath(value: string): string {
  return value.startsWith('/') ? value : `/${value}`;
}

function fromEntitlement(value: string): string[] {
  const match = ENTITLEMENT.exec(value);
  if (!match) return [];
  let parts: string[];
  let role: string | undefined;
  try {
    parts = (match[1] ?? '').split(':').map(decodeURIComponent);
    role = match[2] === undefined ? undefined : decodeURIComponent(match[2]);
  } catch {
    return []; // malformed percent-encoding
  }
  if (parts.some((p) => p === '' || p.includes('/'))) return [];
  const path = `/${parts.join('/')}`;
  return role === undefined || role === 'member' ? [path] : [path, `${path}/Role=${role}`];
}
