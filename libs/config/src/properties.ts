/**
 * The authorization properties of the registry: what a service identity or a group may do. A
 * closed set, so that a misspelt property in the configuration fails start-up instead of
 * silently granting nothing, and so that every rule in code names one that exists (DESIGN §4;
 * the names are DIRAC's).
 */
export const PROPERTIES = [
  /** A member of a group with ordinary user rights. */
  'NormalUser',
  /** May obtain tokens for any user (GetToken). */
  'FullDelegation',
  /** May obtain tokens for any user, limited in lifetime and scope (GetToken). */
  'LimitedDelegation',
  /** May obtain tokens only for oneself, in a group that has it (GetToken). */
  'PrivateLimitedDelegation',
  /** May list and manage other users' stored tokens. */
  'ProxyManagement',
  /** Issues Tessera's tokens and stores users' IdP tokens (the authserver). */
  'TokenIssuer',
  /** Owns TokenDB and refreshes IdP tokens through the idp-gateway (the tokenmanager). */
  'TokenManager',
] as const;

export type Property = (typeof PROPERTIES)[number];

/** The properties by name, for rules in code: `Property.FullDelegation`. */
export const Property = Object.freeze(Object.fromEntries(PROPERTIES.map((p) => [p, p]))) as { readonly [P in Property]: P };

/** Properties that only a service identity may hold: given to a group, they would let its users
 * act as Tessera's own services. */
export const SERVICE_ONLY_PROPERTIES: readonly Property[] = ['TokenIssuer', 'TokenManager'];
