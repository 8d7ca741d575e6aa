import type { GrantType } from '@tessera/config';
import type { OAuthClient } from '../oauth/clients.js';
import type { OAuthParameters } from '../oauth/parameters.js';
import type { TokenResponse } from '../services/grant.js';
import type { Origin } from '../storage/model.js';

/** One token request, its client already authenticated and allowed the grant. */
export interface TokenRequest {
  readonly params: OAuthParameters;
  readonly client: OAuthClient;
  readonly origin: Origin;
}

/** One grant type of the token endpoint (after node-oidc-provider's lib/actions/grants/). */
export interface GrantHandler {
  readonly grantType: GrantType;
  handle(request: TokenRequest): Promise<TokenResponse>;
}
