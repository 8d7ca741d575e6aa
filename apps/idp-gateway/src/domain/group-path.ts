/**
 * Group paths as the whole platform trusts them: "/" + group names, outermost first, joined by
 * "/" ("/dirac/prod"), optionally ending in the VOMS FQAN role form ("/dirac/prod/Role=vm_operator",
 * DIRAC's VOMSRole spelling).
 *
 * A name is drawn from an allow-list, not checked against a list of bad characters:
 * `[A-Za-z0-9._~+@-]`, and not "." or "..". INDIGO IAM and VOMS name groups from
 * `[A-Za-z0-9._-]` and EGI Check-In names VOs like DNS names; `~` (RFC 3986 unreserved), `+` and
 * `@` (e-mail-like group names) are inert wherever a path goes. Everything else is refused:
 * - control characters (C0 with NUL, DEL, C1), bidi controls, zero-width and other format
 *   characters (Cf), line and paragraph separators, and any other non-ASCII: nothing can hide in
 *   a log line or a UI, and no look-alike letter can pose as another group;
 * - space: a group is asked for as an OAuth scope (`wlcg.groups:<path>`), and scopes are
 *   space-delimited (RFC 6749 §3.3);
 * - "/" would add a level, and "=" appears only in "Role=", so no name can pose as a role.
 */

/** One claim value as the IdP sent it, and the path it yields. */
export const MAX_GROUP_VALUE_LENGTH = 512;
/** Group names in one path; the role is held in the group, not a level of its own. */
export const MAX_GROUP_DEPTH = 16;

export type GroupPathRejection = 'malformed' | 'invalid_name' | 'too_long' | 'too_deep';
export type GroupPathResult = { path: string; reason?: undefined } | { path?: undefined; reason: GroupPathRejection };

const NAME = /^[A-Za-z0-9._~+@-]+$/;
const ROLE = 'Role=';

export function isGroupName(name: string): boolean {
  return NAME.test(name) && name !== '.' && name !== '..';
}

/** The path of a group (its names, outermost first), or of a role held in it; or why there is none. */
export function groupPath(names: readonly string[], role?: string): GroupPathResult {
  if (names.length === 0) return { reason: 'malformed' };
  if (names.length > MAX_GROUP_DEPTH) return { reason: 'too_deep' };
  if (!names.every(isGroupName) || (role !== undefined && !isGroupName(role))) return { reason: 'invalid_name' };
  const path = `/${names.join('/')}${role === undefined ? '' : `/${ROLE}${role}`}`;
  return path.length > MAX_GROUP_VALUE_LENGTH ? { reason: 'too_long' } : { path };
}

/** A value that is already a path ("/dirac/user", "/dirac/Role=admin"), checked as `groupPath` checks one. */
export function parseGroupPath(value: string): GroupPathResult {
  if (value.length > MAX_GROUP_VALUE_LENGTH) return { reason: 'too_long' };
  if (!value.startsWith('/')) return { reason: 'malformed' };
  const components = value.slice(1).split('/');
  const last = components.at(-1) ?? '';
  if (components.length > 1 && last.startsWith(ROLE)) return groupPath(components.slice(0, -1), last.slice(ROLE.length));
  return groupPath(components);
}
