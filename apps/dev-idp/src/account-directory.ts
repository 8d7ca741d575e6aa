import { createHash, timingSafeEqual } from 'node:crypto';
import type { Account, AccountClaims } from 'oidc-provider';
import type { DevIdpAccount } from './dev-idp-options.js';
import { groupsForScope } from './wlcg-groups.js';

/** The fixed accounts of a dev-idp: password checks at login, claims when tokens are issued. */
export class AccountDirectory {
  readonly #byLogin: Map<string, DevIdpAccount>;
  readonly #bySub: Map<string, DevIdpAccount>;

  constructor(accounts: readonly DevIdpAccount[]) {
    this.#byLogin = new Map(accounts.map((a) => [a.login, a]));
    this.#bySub = new Map(accounts.map((a) => [a.sub, a]));
    if (this.#byLogin.size !== accounts.length || this.#bySub.size !== accounts.length) {
      throw new Error('dev-idp accounts must have unique logins and subs');
    }
  }

  /** The account whose login and password match, or undefined. */
  authenticate(login: string, password: string): DevIdpAccount | undefined {
    const account = this.#byLogin.get(login);
    // Compare digests so the comparison time does not depend on where the strings differ.
    const given = createHash('sha256').update(password).digest();
    const expected = createHash('sha256').update(account?.password ?? '').digest();
    return account !== undefined && timingSafeEqual(given, expected) ? account : undefined;
  }

  /** oidc-provider's findAccount: the account behind a `sub`, with its claims. */
  findAccount(sub: string): Account | undefined {
    const account = this.#bySub.get(sub);
    if (account === undefined) return undefined;
    return { accountId: sub, claims: (_use, scope) => accountClaims(account, scope) };
  }

  /** The groups an access token with this scope stands for, or undefined without a groups scope. */
  groupsFor(sub: string, scope: string): string[] | undefined {
    const account = this.#bySub.get(sub);
    return account === undefined ? undefined : groupsForScope(account.groups, scope);
  }

  /** Every group some account holds: each one becomes a `wlcg.groups:<group>` scope. */
  allGroups(): string[] {
    return [...new Set([...this.#byLogin.values()].flatMap((a) => a.groups))].sort();
  }
}

/**
 * Every claim the account could release; oidc-provider drops the ones whose scope was not
 * granted. Groups are narrowed here because that depends on which group scopes were asked.
 */
function accountClaims(account: DevIdpAccount, scope: string): AccountClaims {
  return {
    sub: account.sub,
    preferred_username: account.login,
    name: account.name,
    email: account.email,
    email_verified: account.email === undefined ? undefined : true,
    'wlcg.groups': groupsForScope(account.groups, scope),
    eduperson_entitlement: account.entitlements,
  };
}
