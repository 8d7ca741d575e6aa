import type { RegistryConfig } from '@tessera/config';
import { InvalidScope } from './errors.js';

/** The scopes Tessera understands (metadata `scopes_supported` lists the fixed ones). */
export const FIXED_SCOPES = ['openid', 'profile', 'offline_access'] as const;
const GROUP_PREFIX = 'g:';
const LIFETIME_PREFIX = 'lifetime:';
// RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E )
const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/;

/** A parsed `scope` parameter. */
export interface Scope {
  /** `g:<group>`: the registry group the tokens are for. */
  readonly group: string | undefined;
  /** `lifetime:<seconds>`: the access token lifetime asked for, in milliseconds. */
  readonly lifetimeMs: number | undefined;
  readonly openid: boolean;
  readonly profile: boolean;
  readonly offlineAccess: boolean;
  /** Every token, in a canonical order (fixed scopes, group, lifetime). */
  readonly tokens: readonly string[];
}

export interface ScopePolicy {
  readonly registry: RegistryConfig;
  readonly maxAccessTokenLifetime: number;
}

/**
 * Parses and checks a `scope` parameter. Each problem is `invalid_scope` naming the offending
 * value, so a user who typed it can tell what to change.
 */
export function parseScope(value: string | undefined, policy: ScopePolicy): Scope {
  const words = (value ?? '').split(' ').filter((w) => w !== '');
  let group: string | undefined;
  let lifetimeMs: number | undefined;
  const fixed = new Set<string>();
  for (const word of words) {
    if (!SCOPE_TOKEN.test(word)) throw new InvalidScope('the scope holds a character RFC 6749 §3.3 does not allow');
    if ((FIXED_SCOPES as readonly string[]).includes(word)) fixed.add(word);
    else if (word.startsWith(GROUP_PREFIX)) {
      const name = word.slice(GROUP_PREFIX.length);
      if (group !== undefined && group !== name) throw new InvalidScope(`only one group may be asked for; got g:${group} and ${word}`);
      if (!Object.hasOwn(policy.registry.groups, name)) throw new InvalidScope(`unknown group in scope ${word}`);
      group = name;
    } else if (word.startsWith(LIFETIME_PREFIX)) {
      lifetimeMs = lifetime(word, policy.maxAccessTokenLifetime);
    } else if (word === 'proxy') {
      throw new InvalidScope('scope proxy is not supported: X.509 proxies are not part of Tessera; use an access token instead');
    } else throw new InvalidScope(`unknown scope ${word}`);
  }
  const tokens: string[] = FIXED_SCOPES.filter((s) => fixed.has(s));
  if (group !== undefined) tokens.push(`${GROUP_PREFIX}${group}`);
  if (lifetimeMs !== undefined) tokens.push(`${LIFETIME_PREFIX}${lifetimeMs / 1000}`);
  return { group, lifetimeMs, openid: fixed.has('openid'), profile: fixed.has('profile'), offlineAccess: fixed.has('offline_access'), tokens };
}

function lifetime(word: string, maxMs: number): number {
  const text = word.slice(LIFETIME_PREFIX.length);
  if (!/^[1-9]\d{0,8}$/.test(text)) throw new InvalidScope(`${word} must give a whole number of seconds, e.g. lifetime:3600`);
  const ms = Number(text) * 1000;
  if (ms > maxMs) throw new InvalidScope(`${word} asks for more than the longest lifetime allowed, lifetime:${Math.floor(maxMs / 1000)}`);
  return ms;
}

/** The scope tokens of `requested` not in `granted` (RFC 8693 §2.1: downscoping only). */
export function notWithin(requested: Scope, granted: readonly string[]): string[] {
  const allowed = new Set(granted);
  return requested.tokens.filter((t) => !allowed.has(t) && !t.startsWith(LIFETIME_PREFIX));
}

/** Scope text for the `scope` response parameter and the token's `scope` claim. */
export function scopeText(tokens: readonly string[]): string {
  return tokens.join(' ');
}
