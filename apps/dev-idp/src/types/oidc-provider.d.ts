// oidc-provider 9 ships no type declarations and @types/oidc-provider is not installed. These
// cover only what dev-idp uses, so a wrong option name or callback shape fails the typecheck.
declare module 'oidc-provider' {
  import type { EventEmitter } from 'node:events';
  import type { IncomingMessage, ServerResponse } from 'node:http';

  export type ClaimsUse = 'id_token' | 'userinfo';

  export interface AccountClaims {
    sub: string;
    [claim: string]: unknown;
  }

  export interface Account {
    accountId: string;
    /** `scope` is the space-delimited scope granted to the token the claims are for. */
    claims(use: ClaimsUse, scope: string, claims: unknown, rejected: string[]): Promise<AccountClaims> | AccountClaims;
  }

  export interface Client {
    readonly clientId: string;
    readonly clientAuthMethod: string;
    grantTypeAllowed(grantType: string): boolean;
  }

  export interface ClientMetadata {
    client_id: string;
    client_secret?: string;
    client_name?: string;
    redirect_uris?: string[];
    grant_types?: string[];
    response_types?: string[];
    token_endpoint_auth_method?: string;
    id_token_signed_response_alg?: string;
    scope?: string;
  }

  /** The subset of oidc-provider's Koa context that page renderers touch. */
  export interface ProviderContext {
    body: unknown;
    type: string;
    status: number;
    oidc: { client?: Client };
  }

  export interface ErrorOut {
    error: string;
    error_description?: string;
  }

  export interface Token {
    readonly clientId?: string;
  }

  /** The constructor properties and stored payload of an access token (opaque here). */
  export interface AccessTokenProperties {
    accountId: string;
    client: Client;
    grantId?: string;
    scope?: string;
    /** The `claims` parameter of the authorization request the token descends from. */
    claims?: unknown;
    gty?: string;
    aud?: string | string[];
  }

  export interface AccessToken {
    readonly jti: string;
    readonly kind: 'AccessToken';
    readonly clientId: string;
    readonly accountId: string;
    readonly grantId?: string;
    readonly scope?: string;
    readonly scopes: Set<string>;
    readonly claims?: unknown;
    readonly isValid: boolean;
    aud?: string | string[];
    readonly tokenType: string;
    /** Seconds until it expires, from `ttl.AccessToken`. */
    readonly expiration: number;
    /** Stores the token and returns its value. */
    save(): Promise<string>;
  }

  export interface AccessTokenModel {
    new (properties: AccessTokenProperties): AccessToken;
    /** Undefined for unknown, expired, revoked and other-kind tokens. */
    find(value: string): Promise<AccessToken | undefined>;
  }

  /** What a grant type handler registered with `registerGrantType` is called with. */
  export interface TokenEndpointContext extends ProviderContext {
    oidc: {
      /** Authenticated by oidc-provider before the handler runs. */
      client: Client;
      /** Only the parameters registered for the grant type; repeatable ones may be arrays. */
      params: Record<string, string | string[] | undefined>;
      /** Names an entity for oidc-provider's events (`grant.success` and friends). */
      entity(name: string, value: unknown): void;
    };
  }

  type Ttl = number;

  export interface Configuration {
    /** A factory of storage adapters, one per model (AccessToken, Grant, Session, …). */
    adapter?: (model: string) => unknown;
    clients: ClientMetadata[];
    clientDefaults?: Partial<ClientMetadata>;
    jwks: { keys: object[] };
    cookies: { keys: string[] };
    responseTypes: string[];
    scopes: string[];
    claims: Record<string, string[] | null>;
    conformIdTokenClaims: boolean;
    findAccount(ctx: ProviderContext, sub: string, token?: unknown): Promise<Account | undefined>;
    /** Stored on opaque access tokens as `extra`; introspection spreads it into its response. */
    extraTokenClaims(ctx: ProviderContext, token: { readonly accountId?: string; readonly scope?: string }): Promise<Record<string, unknown> | undefined>;
    issueRefreshToken(ctx: ProviderContext, client: Client, code: unknown): Promise<boolean>;
    rotateRefreshToken: boolean;
    expiresWithSession(ctx: ProviderContext, code: unknown): Promise<boolean>;
    clientBasedCORS(ctx: ProviderContext, origin: string, client: Client): boolean;
    pkce: { required(ctx: ProviderContext, client: Client): boolean };
    interactions: { url(ctx: ProviderContext, interaction: { uid: string }): Promise<string> };
    renderError(ctx: ProviderContext, out: ErrorOut, error: Error): Promise<void>;
    ttl: {
      AccessToken: Ttl;
      AuthorizationCode: Ttl;
      ClientCredentials: Ttl;
      DeviceCode: Ttl;
      Grant: Ttl;
      IdToken: Ttl;
      Interaction: Ttl;
      RefreshToken: Ttl;
      Session: Ttl;
    };
    features: {
      devInteractions: { enabled: boolean };
      clientCredentials: { enabled: boolean };
      resourceIndicators: { enabled: boolean };
      introspection: { enabled: boolean; allowedPolicy(ctx: ProviderContext, client: Client, token: Token): Promise<boolean> };
      revocation: { enabled: boolean; allowedPolicy(ctx: ProviderContext, client: Client, token: Token): Promise<boolean> };
      deviceFlow: {
        enabled: boolean;
        userCodeInputSource(ctx: ProviderContext, form: string, out: ErrorOut | undefined, err: Error | undefined): Promise<void>;
        userCodeConfirmSource(ctx: ProviderContext, form: string, client: Client, deviceInfo: unknown, userCode: string): Promise<void>;
        successSource(ctx: ProviderContext): Promise<void>;
      };
    };
  }

  export interface Prompt {
    name: string;
    reasons: string[];
    details: {
      missingOIDCScope?: string[];
      missingOIDCClaims?: string[];
      missingResourceScopes?: Record<string, string[]>;
    };
  }

  export interface Interaction {
    readonly uid: string;
    readonly prompt: Prompt;
    readonly params: Record<string, unknown> & { client_id?: string };
    readonly session?: { accountId: string };
    readonly grantId?: string;
  }

  export interface InteractionResults {
    login?: { accountId: string };
    consent?: { grantId?: string };
  }

  export interface Grant {
    readonly accountId: string;
    readonly clientId: string;
    readonly isExpired: boolean;
    addOIDCScope(scope: string): void;
    addOIDCClaims(claims: string[]): void;
    addResourceScope(resource: string, scope: string): void;
    save(): Promise<string>;
  }

  export interface GrantModel {
    new (properties: { accountId: string; clientId: string }): Grant;
    find(id: string): Promise<Grant | undefined>;
  }

  export namespace errors {
    class OIDCProviderError extends Error {
      readonly status: number;
      readonly error: string;
      readonly error_description?: string;
      readonly error_detail?: string;
    }
    class InvalidRequest extends OIDCProviderError {
      constructor(description?: string, code?: number);
    }
    /** `options` is the private detail, logged but not sent (as `error_detail`). */
    class InvalidGrant extends OIDCProviderError {
      constructor(options?: string | { detail?: string });
    }
    class InvalidScope extends OIDCProviderError {
      constructor(description: string, scope?: string);
    }
    class InvalidTarget extends OIDCProviderError {
      constructor(description?: string);
    }
    class UnauthorizedClient extends OIDCProviderError {
      constructor(description?: string);
    }
  }

  export class Provider extends EventEmitter {
    constructor(issuer: string, configuration: Configuration);
    readonly Grant: GrantModel;
    readonly AccessToken: AccessTokenModel;
    /**
     * Adds an extension grant (and lists it in discovery). The token endpoint authenticates the
     * client, checks the grant is in its grant_types and drops every parameter not named in
     * `parameters` before `handler` runs; a repeated parameter is refused unless in `repeatable`.
     */
    registerGrantType(
      name: string,
      handler: (ctx: TokenEndpointContext) => Promise<void>,
      parameters?: string | readonly string[],
      repeatable?: string | readonly string[],
    ): void;
    callback(): (req: IncomingMessage, res: ServerResponse) => Promise<void>;
    interactionDetails(req: IncomingMessage, res: ServerResponse): Promise<Interaction>;
    interactionFinished(
      req: IncomingMessage,
      res: ServerResponse,
      result: InteractionResults,
      options?: { mergeWithLastSubmission?: boolean },
    ): Promise<void>;
  }
}

declare module 'oidc-provider/lib/adapters/memory_adapter.js' {
  /** oidc-provider's in-memory adapter; `store` is any map with get, set(key, value, { maxAge }) and delete. */
  export default class MemoryAdapter {
    constructor(model: string, store?: unknown, clockTolerance?: number);
  }
}
