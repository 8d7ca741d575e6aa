import type { RegistryConfig } from '@tessera/config';

/** The registry's answers the login and the grants need. */
export class RegistryLookup {
  readonly #registry: RegistryConfig;

  constructor(registry: RegistryConfig) {
    this.#registry = registry;
  }

  /** The registry user whose subject at `provider` is `subject`. */
  userAt(provider: string, subject: string): string | undefined {
    for (const [id, user] of Object.entries(this.#registry.users)) if (user.subjects[provider] === subject) return id;
    return undefined;
  }

  /** The user's groups whose VO logs in at `provider`, in registry order. */
  groupsAt(userId: string, provider: string): string[] {
    return (this.#registry.users[userId]?.groups ?? []).filter((g) => this.idpOf(g) === provider);
  }

  isMember(userId: string, group: string): boolean {
    return this.#registry.users[userId]?.groups.includes(group) ?? false;
  }

  voOf(group: string): string | undefined {
    return this.#registry.groups[group]?.vo;
  }

  /** The IdP that authenticates the group's VO. */
  idpOf(group: string): string | undefined {
    const vo = this.voOf(group);
    return vo === undefined ? undefined : this.#registry.vos[vo]?.idp;
  }

  groupScopes(group: string): readonly string[] {
    return this.#registry.groups[group]?.idpScopes ?? [];
  }

  properties(group: string): readonly string[] {
    return this.#registry.groups[group]?.properties ?? [];
  }

  /** The IdPs some VO logs in at, in registry order (the IdP chooser lists these). */
  providers(): string[] {
    return [...new Set(Object.values(this.#registry.vos).map((vo) => vo.idp))];
  }
}
