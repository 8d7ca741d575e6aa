/**
 * WLCG Common JWT Profiles §3.2 (groups): `wlcg.groups` asks for the account's groups;
 * `wlcg.groups:/vo/group` asks for one group by name, and the token then carries only the
 * requested groups the account actually has, in the order they were requested.
 */
export const WLCG_GROUPS_SCOPE = 'wlcg.groups';
const GROUP_SCOPE_PREFIX = `${WLCG_GROUPS_SCOPE}:`;

export function groupScope(group: string): string {
  return `${GROUP_SCOPE_PREFIX}${group}`;
}

/** The groups to release for a granted scope, or undefined when no groups scope was granted. */
export function groupsForScope(accountGroups: readonly string[], scope: string): string[] | undefined {
  const scopes = scope.split(' ');
  const requested = scopes.filter((s) => s.startsWith(GROUP_SCOPE_PREFIX)).map((s) => s.slice(GROUP_SCOPE_PREFIX.length));
  if (requested.length === 0) return scopes.includes(WLCG_GROUPS_SCOPE) ? [...accountGroups] : undefined;
  const held = new Set(accountGroups);
  const selected = [...new Set(requested)].filter((g) => held.has(g));
  // The bare scope next to parameterised ones still means "and my other groups too".
  if (scopes.includes(WLCG_GROUPS_SCOPE)) selected.push(...accountGroups.filter((g) => !selected.includes(g)));
  return selected;
}
