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

  type Ttl = number;

  export interface Configuration {
    clients: ClientMetadata[];
    clientDefaults?: Partial<ClientMetadata>;
    jwks: { keys: object[] };
    cookies: { keys: string[] };
    responseTypes: string[];
    scopes: string[];
    claims: Record<string, string[] | null>;
    conformIdTokenClaims: boolean;
    findAccount(ctx: ProviderContext, sub: string, token?: unknown): Promise<Account | undefined>;
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
  }

  export class Provider extends EventEmitter {
    constructor(issuer: string, configuration: Configuration);
    readonly Grant: GrantModel;
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
