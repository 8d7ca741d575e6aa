import type { OAuthClient } from '../oauth/clients.js';
import type { Scope } from '../oauth/scopes.js';
import type { LoginIdentity } from '../storage/model.js';

/** What a grant handler decided to grant; TokenService turns it into the token response. */
export interface Grant {
  readonly client: OAuthClient;
  readonly scope: Scope;
  /** The user the tokens are for; absent for client credentials. */
  readonly identity: LoginIdentity | undefined;
  /** The session (refresh-token family) the tokens belong to, with its new refresh token. */
  readonly session: { readonly id: string; readonly refreshToken: string | undefined } | undefined;
  /** `aud` of the access token. */
  readonly audience: string;
  /** OpenID Connect: echoed in the ID token. */
  readonly nonce?: string | undefined;
}

/** The token endpoint's success response (RFC 6749 §5.1, RFC 8693 §2.2.1). */
export interface TokenResponse {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  scope: string;
  refresh_token?: string;
  id_token?: string;
  issued_token_type?: string;
}
