import { createHash } from 'node:crypto';
import type { RegistryConfig } from '@tessera/config';
import { InvalidArgumentError } from '@tessera/rpc';
import { TokenError, TokenErrorReason } from './token-errors.js';

const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]{1,256}$/;

/** What GetToken is asked for, parsed. */
export interface TokenRequest {
  /** '' asks for the VO's client token. */
  userId: string;
  group: string;
  provider: string;
  scopes: readonly string[];
  audience: string;
  minLifetimeMs: number;
  skipCache: boolean;
}

/** A request resolved against the registry: which IdP, which group, which scopes, which cache entry. */
export interface ResolvedRequest extends TokenRequest {
  provider: string;
  group: string;
  /** Requested ∪ the group's IdP scopes, sorted and unique. */
  scopes: string[];
  cacheKey: string;
}

/** Cache keys of the scope sets and audiences seen lately: most calls repeat a few of them. */
const cacheKeys = new Map<string, string>();
function cacheKeyOf(what: string): string {
  let key = cacheKeys.get(what);
  if (key === undefined) {
    key = createHash('sha256').update(what).digest('hex');
    if (cacheKeys.size >= 1000) cacheKeys.clear();
    cacheKeys.set(what, key);
  }
  return key;
}

/** The IdP, group and scopes a request means (the contract's GetTokenRequest rules). */
export function resolveRequest(request: TokenRequest, registry: RegistryConfig, providers: ReadonlySet<string>): ResolvedRequest {
  const context = { userId: request.userId, provider: request.provider };
  // RFC 6749 §3.3: a scope is one scope-token; one holding a space would hide several.
  const badScope = request.scopes.find((s) => !SCOPE_TOKEN.test(s));
  if (badScope !== undefined) throw new InvalidArgumentError(`scopes: ${JSON.stringify(badScope.slice(0, 80))} is not one scope (RFC 6749 §3.3)`);
  const group = request.group === '' ? undefined : registry.groups[request.group];
  if (request.group !== '' && !group) throw new TokenError(TokenErrorReason.NO_PROVIDER, `no group ${JSON.stringify(request.group)} in the registry`, context);
  const groupIdp = group ? registry.vos[group.vo]?.idp : undefined;
  if (request.group !== '' && groupIdp === undefined) throw new TokenError(TokenErrorReason.NO_PROVIDER, `group ${request.group}'s VO has no identity provider`, context);
  if (request.provider !== '' && groupIdp !== undefined && request.provider !== groupIdp) {
    throw new TokenError(TokenErrorReason.NO_PROVIDER, `group ${request.group} is served by ${groupIdp}, not ${request.provider}`, context);
  }
  const provider = request.provider || groupIdp;
  if (!provider) throw new TokenError(TokenErrorReason.NO_PROVIDER, 'name a group or a provider', context);
  if (!providers.has(provider)) throw new TokenError(TokenErrorReason.NO_PROVIDER, `no identity provider named ${JSON.stringify(provider)}`, context);
  if (request.userId !== '') {
    const user = registry.users[request.userId];
    if (!user) throw new TokenError(TokenErrorReason.NOT_A_MEMBER, `no user ${JSON.stringify(request.userId)} in the registry`, context);
    if (request.group !== '' && !user.groups.includes(request.group)) {
      throw new TokenError(TokenErrorReason.NOT_A_MEMBER, `${request.userId} is not a member of ${request.group}`, { ...context, provider });
    }
  }
  const scopes = [...new Set([...request.scopes, ...(group?.idpScopes ?? [])])].sort();
  const cacheKey = cacheKeyOf(JSON.stringify([scopes, request.audience]));
  return { ...request, provider, group: request.group, scopes, cacheKey };
}
