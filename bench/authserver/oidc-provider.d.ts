// oidc-provider 9 ships no type declarations; apps/dev-idp/src/types has dev-idp's. These cover only
// what bench/authserver/oidc-provider-process.ts uses.
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http';

  export interface Client {
    readonly clientId: string;
    grantTypeAllowed(grantType: string): boolean;
  }

  export interface Configuration {
    adapter: (model: string) => unknown;
    clients: Record<string, unknown>[];
    clientDefaults: Record<string, unknown>;
    jwks: { keys: object[] };
    cookies: { keys: string[] };
    responseTypes: string[];
    scopes: string[];
    findAccount(ctx: unknown, sub: string): Promise<{ accountId: string; claims(): Promise<{ sub: string }> }>;
    issueRefreshToken(ctx: unknown, client: Client): Promise<boolean>;
    rotateRefreshToken: boolean;
    expiresWithSession(): Promise<boolean>;
    pkce: { required(): boolean };
    ttl: Record<string, number>;
    features: {
      devInteractions: { enabled: boolean };
      clientCredentials: { enabled: boolean };
      deviceFlow: { enabled: boolean };
      resourceIndicators: {
        enabled: boolean;
        defaultResource(): Promise<string>;
        useGrantedResource(): Promise<boolean>;
        getResourceServerInfo(): Promise<{ scope: string; audience: string; accessTokenTTL: number; accessTokenFormat: 'jwt'; jwt: { sign: { alg: string } } }>;
      };
    };
  }

  interface Grant {
    addResourceScope(resource: string, scope: string): void;
    save(): Promise<string>;
  }

  export default class Provider {
    constructor(issuer: string, configuration: Configuration);
    readonly Client: { find(id: string): Promise<Client | undefined> };
    readonly Grant: new (properties: { accountId: string; clientId: string }) => Grant;
    readonly RefreshToken: new (properties: { accountId: string; client: Client; grantId: string; gty: string; scope: string; resource: string; authTime: number }) => { save(): Promise<string> };
    callback(): (req: IncomingMessage, res: ServerResponse) => Promise<void>;
  }
}

declare module 'oidc-provider/lib/adapters/memory_adapter.js' {
  /** oidc-provider's in-memory adapter; `store` is any map with get, set(key, value, { maxAge }) and delete. */
  export default class MemoryAdapter {
    constructor(model: string, store?: unknown);
  }
}
