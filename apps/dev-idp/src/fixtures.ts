import type { DevIdpOptions } from './dev-idp-options.js';

export const DEFAULT_GATEWAY_REDIRECT_URIS = ['http://127.0.0.1:8080/auth/callback'];

/** The public test client redirects nowhere real: tests read the code from the Location header. */
export const TEST_PUBLIC_REDIRECT_URI = 'http://127.0.0.1/test/callback';

const DEVICE_CODE = 'urn:ietf:params:oauth:grant-type:device_code';
const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';

/**
 * The fixed dev accounts and clients (DESIGN.md §6), so docs, tests and demos agree. `mallory`
 * signs in fine but her group is unknown to Tessera's registry. bob also carries EGI Check-In
 * style entitlements, so group mapping from `eduperson_entitlement` can be exercised.
 */
export function devFixtures(issuer: string, gatewayRedirectUris: string[] = DEFAULT_GATEWAY_REDIRECT_URIS): DevIdpOptions {
  return {
    issuer,
    // Same accounts as config/dev.yaml (apps.devIdp.accounts); the registry maps users by these subs.
    accounts: [
      { login: 'alice', password: 'alice', sub: 'alice', name: 'Alice Liddell', email: 'alice@example.org', groups: ['/dirac/user', '/dirac/admin'] },
      {
        login: 'bob',
        password: 'bob',
        sub: 'bob',
        name: 'Bob',
        email: 'bob@example.org',
        groups: ['/dirac/user'],
        entitlements: ['urn:mace:egi.eu:group:dirac:role=member#aai.egi.eu'],
      },
      { login: 'mallory', password: 'mallory', sub: 'mallory', groups: ['/other/user'] },
    ],
    clients: [
      {
        clientId: 'tessera-idp-gateway',
        clientSecret: 'dev-idp-gateway-secret',
        redirectUris: gatewayRedirectUris.length > 0 ? gatewayRedirectUris : DEFAULT_GATEWAY_REDIRECT_URIS,
        grantTypes: ['authorization_code', 'refresh_token', DEVICE_CODE, 'client_credentials', TOKEN_EXCHANGE],
      },
      {
        clientId: 'tessera-test-public',
        redirectUris: [TEST_PUBLIC_REDIRECT_URI],
        grantTypes: [DEVICE_CODE, 'authorization_code', 'refresh_token'],
      },
    ],
  };
}
