/** Registry properties that tokenmanager's rules refer to (DESIGN §4). */
export const Property = {
  FullDelegation: 'FullDelegation',
  LimitedDelegation: 'LimitedDelegation',
  PrivateLimitedDelegation: 'PrivateLimitedDelegation',
  ProxyManagement: 'ProxyManagement',
  TokenIssuer: 'TokenIssuer',
} as const;
