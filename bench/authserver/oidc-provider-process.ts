// bench/authserver: the baseline, node-oidc-provider 9 configured for the grants the authserver
// is measured on, in a process of its own. `oidc-provider-process.ts <port> <refresh tokens>`
// prints `{"port":…,"refreshTokens":[…]}` once listening and closes when its stdin ends.
//   - clients as in config/dev.yaml: tessera-web (confidential, client_secret_basic, secret
//     dev-web-secret: authorization_code, refresh_token, client_credentials) and tessera-cli
//     (public: device_code, refresh_token)
//   - access tokens are JWTs signed ES256 (resource indicators with a default resource whose
//     format is `jwt`), as Tessera's are; refresh tokens rotate (`rotateRefreshToken: true`)
//   - storage: oidc-provider's own MemoryAdapter, over a Map without its default bound of 1000
//     entries (as apps/dev-idp/src/token-store.ts does): with the bound, 5,000 pending device flows
//     and the rotations of a run would evict one another and be answered invalid_grant
//   - no event listeners, so nothing is logged
// Refresh tokens are seeded here, through the provider's own models (a Grant holding the scope
// and a RefreshToken for it), as an authorization code redemption would leave them: the bench
// measures their rotation, not the login that made them. The authserver's sessions are seeded the
// same way, through AuthDB.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import Provider, { type Configuration } from 'oidc-provider';
import MemoryAdapter from 'oidc-provider/lib/adapters/memory_adapter.js';

const port = Number(process.argv[2]);
const seeded = Number(process.argv[3] ?? 0);
const issuer = `http://127.0.0.1:${port}`;
const RESOURCE = 'urn:tessera';
const SCOPE = 'g:dirac_user';
const DAY = 24 * 3600;

/** The store the MemoryAdapter keeps its entries in: a Map, each entry with its expiry. */
class ExpiringMap {
  readonly #entries = new Map<string, { value: unknown; until: number }>();
  get(key: string): unknown {
    const entry = this.#entries.get(key);
    if (entry && entry.until > Date.now()) return entry.value;
    this.#entries.delete(key);
    return undefined;
  }
  set(key: string, value: unknown, options?: { maxAge?: number }): void {
    this.#entries.set(key, { value, until: options?.maxAge === undefined ? Infinity : Date.now() + options.maxAge });
  }
  delete(key: string): void {
    this.#entries.delete(key);
  }
}
const store = new ExpiringMap();

const signingKey = { ...generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' }), kid: 'bench-1', alg: 'ES256', use: 'sig' };
const configuration: Configuration = {
  adapter: (model) => new MemoryAdapter(model, store),
  clients: [
    {
      client_id: 'tessera-web',
      client_secret: 'dev-web-secret',
      grant_types: ['authorization_code', 'refresh_token', 'client_credentials'],
      response_types: ['code'],
      redirect_uris: ['http://127.0.0.1:8080/callback'],
      token_endpoint_auth_method: 'client_secret_basic',
    },
    {
      client_id: 'tessera-cli',
      grant_types: ['urn:ietf:params:oauth:grant-type:device_code', 'refresh_token'],
      response_types: [],
      redirect_uris: [],
      token_endpoint_auth_method: 'none',
    },
  ],
  clientDefaults: { id_token_signed_response_alg: 'ES256' },
  jwks: { keys: [signingKey] },
  cookies: { keys: [randomBytes(32).toString('base64url')] },
  responseTypes: ['code'],
  scopes: ['openid', 'offline_access'],
  findAccount: async (_ctx, sub) => ({ accountId: sub, claims: async () => ({ sub }) }),
  issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
  rotateRefreshToken: true,
  expiresWithSession: async () => false,
  pkce: { required: () => true },
  ttl: { AccessToken: 1200, ClientCredentials: 1200, RefreshToken: 14 * DAY, Grant: 14 * DAY, DeviceCode: 1800, AuthorizationCode: 60, Interaction: 3600, Session: DAY, IdToken: 1200 },
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    deviceFlow: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: async () => RESOURCE,
      useGrantedResource: async () => true,
      getResourceServerInfo: async () => ({ scope: SCOPE, audience: 'tessera', accessTokenTTL: 1200, accessTokenFormat: 'jwt', jwt: { sign: { alg: 'ES256' } } }),
    },
  },
};

const provider = new Provider(issuer, configuration);

async function seedRefreshToken(): Promise<string> {
  const client = await provider.Client.find('tessera-web');
  const grant = new provider.Grant({ accountId: 'alice', clientId: 'tessera-web' });
  grant.addResourceScope(RESOURCE, SCOPE);
  const grantId = await grant.save();
  const token = new provider.RefreshToken({ accountId: 'alice', client: client!, grantId, gty: 'authorization_code', scope: SCOPE, resource: RESOURCE, authTime: Math.floor(Date.now() / 1000) });
  return token.save();
}

const refreshTokens: string[] = [];
for (let i = 0; i < seeded; i++) refreshTokens.push(await seedRefreshToken());
const server = createServer(provider.callback());
await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
console.log(JSON.stringify({ port, refreshTokens }));
process.stdin.resume();
process.stdin.on('end', () => {
  server.close(() => process.exit(0));
  server.closeIdleConnections();
});
