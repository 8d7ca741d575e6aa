import { unboundedMemoryAdapter } from './token-store.js';
import { randomBytes } from 'node:crypto';
import type { JWK } from 'jose';
import { errors, type Client, type ClientMetadata, type Configuration, type Token } from 'oidc-provider';
import type { AccountDirectory } from './account-directory.js';
import type { DevIdpClient, DevIdpOptions } from './dev-idp-options.js';
import { devicePages } from './interactions/device-pages.js';
import { escapeHtml, page } from './interactions/html.js';
import { WLCG_GROUPS_SCOPE, groupScope } from './wlcg-groups.js';

const DAY = 24 * 60 * 60;

/** Lifetimes when the options name none: IAM-like, and long enough for a manual demo. */
export const DEFAULT_TTL = { accessToken: 3600, idToken: 3600, refreshToken: 14 * DAY, deviceCode: 600 } as const;

/** The oidc-provider configuration for a dev-idp. */
export function providerConfiguration(options: DevIdpOptions, accounts: AccountDirectory, signingKey: JWK): Configuration {
  const ttl = lifetimes(options.ttl);
  return {
    adapter: unboundedMemoryAdapter(),
    clients: options.clients.map(clientMetadata),
    clientDefaults: { id_token_signed_response_alg: 'ES256' },
    jwks: { keys: [signingKey] },
    // Cookies only need to survive one process: a restart forgets every session anyway.
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    // Only the code flow: implicit and hybrid responses put tokens in the browser (RFC 9700 §2.1.2).
    responseTypes: ['code'],
    scopes: ['openid', 'offline_access'],
    claims: claimsByScope(accounts.allGroups()),
    // Groups and entitlements go into the ID token too, not only userinfo: IAM and Check-In do so.
    conformIdTokenClaims: false,
    findAccount: async (_ctx, sub) => accounts.findAccount(sub),
    // Introspection then reports the token's groups, as IAM's does: resource servers need not
    // call userinfo. Client credentials tokens have no account and so no groups.
    extraTokenClaims: async (_ctx, token) => {
      const groups = token.accountId === undefined ? undefined : accounts.groupsFor(token.accountId, token.scope ?? '');
      return groups === undefined ? undefined : { [WLCG_GROUPS_SCOPE]: groups };
    },
    // Every client allowed to refresh gets a refresh token, without asking for offline_access:
    // the gateway keeps users' refresh tokens, which is what IAM does for its registered clients.
    issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    rotateRefreshToken: true,
    // Tokens outlive the browser session at the dev-idp, as they do at a real IdP.
    expiresWithSession: async () => false,
    // Only servers (the idp-gateway) call the dev-idp's endpoints; browsers never do.
    clientBasedCORS: () => false,
    // RFC 9700 §2.1.1: PKCE for every client; oidc-provider supports only S256.
    pkce: { required: () => true },
    interactions: { url: async (_ctx, interaction) => `/interaction/${interaction.uid}` },
    renderError: async (ctx, out) => {
      ctx.type = 'html';
      ctx.body = page('Sign-in problem', `<p class="error" role="alert">${escapeHtml(out.error)}: ${escapeHtml(out.error_description ?? '')}</p>`);
    },
    ttl: {
      AccessToken: ttl.accessToken,
      ClientCredentials: ttl.accessToken,
      IdToken: ttl.idToken,
      RefreshToken: ttl.refreshToken,
      DeviceCode: ttl.deviceCode,
      AuthorizationCode: 60,
      Interaction: 3600,
      Session: DAY,
      // A refresh token dies with its grant, so the grant must last at least as long.
      Grant: ttl.refreshToken,
    },
    features: {
      // The built-in interactions accept any password; ours check the accounts.
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      // Without resource indicators every access token is opaque, so introspection covers them all.
      resourceIndicators: { enabled: false },
      introspection: { enabled: true, allowedPolicy: introspectionAllowed },
      revocation: { enabled: true, allowedPolicy: revocationAllowed },
      deviceFlow: { enabled: true, ...devicePages },
    },
  };
}

/**
 * The configured lifetimes over the defaults. oidc-provider checks them only when it issues a
 * token, and then fails the request with server_error; a typo in the config should fail the start.
 */
function lifetimes(configured: DevIdpOptions['ttl']): Record<keyof typeof DEFAULT_TTL, number> {
  // An option present but undefined (a config key left empty) keeps its default.
  const given = Object.fromEntries(Object.entries(configured ?? {}).filter(([, seconds]) => seconds !== undefined));
  const ttl = { ...DEFAULT_TTL, ...given };
  for (const [name, seconds] of Object.entries(ttl)) {
    if (!Number.isSafeInteger(seconds) || seconds <= 0) throw new Error(`dev-idp ttl.${name} must be a positive whole number of seconds, got ${seconds}`);
  }
  return ttl;
}

/**
 * oidc-provider has no dynamic scopes: a scope it does not know is dropped from the request.
 * So every group some account holds gets its own `wlcg.groups:<group>` scope; asking for a group
 * no account has is harmless, it just releases nothing.
 */
function claimsByScope(groups: readonly string[]): Configuration['claims'] {
  return {
    openid: ['sub'],
    profile: ['name', 'preferred_username'],
    email: ['email', 'email_verified'],
    eduperson_entitlement: ['eduperson_entitlement'],
    [WLCG_GROUPS_SCOPE]: [WLCG_GROUPS_SCOPE],
    ...Object.fromEntries(groups.map((g) => [groupScope(g), [WLCG_GROUPS_SCOPE]])),
  };
}

function clientMetadata(client: DevIdpClient): ClientMetadata {
  return {
    client_id: client.clientId,
    ...(client.clientSecret === undefined ? {} : { client_secret: client.clientSecret }),
    redirect_uris: client.redirectUris,
    grant_types: client.grantTypes,
    response_types: client.grantTypes.includes('authorization_code') ? ['code'] : [],
    // client_secret_post is what openid-client v6 uses when given a secret and nothing else.
    token_endpoint_auth_method: client.clientSecret === undefined ? 'none' : 'client_secret_post',
    ...(client.scope === undefined ? {} : { scope: client.scope }),
  };
}

/** RFC 7662 §4: any authenticated client may introspect (it acts as a resource server); a public one only its own tokens. */
async function introspectionAllowed(_ctx: unknown, client: Client, token: Token): Promise<boolean> {
  return client.clientAuthMethod !== 'none' || token.clientId === client.clientId;
}

/** RFC 7009 §2.1: the server verifies that the token was issued to the client asking to revoke it. */
async function revocationAllowed(_ctx: unknown, client: Client, token: Token): Promise<boolean> {
  if (token.clientId === client.clientId) return true;
  // As oidc-provider's default does: a public client gets the plain 200 and learns nothing about
  // someone else's token; an authenticated one is told it was refused (§2.2.1 error response).
  if (client.clientAuthMethod === 'none') return false;
  throw new errors.InvalidRequest('client is not authorized to revoke the presented token');
}
