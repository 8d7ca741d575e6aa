import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AuthserverConfig, TesseraConfig } from '@tessera/config';
import type { Logger } from '@tessera/observability';
import { authorizationCodeGrant } from './grants/authorization-code.js';
import { clientCredentialsGrant } from './grants/client-credentials.js';
import { deviceCodeGrant } from './grants/device-code.js';
import { refreshTokenGrant } from './grants/refresh-token.js';
import { tokenExchangeGrant } from './grants/token-exchange.js';
import { deviceAuthorizationEndpoint } from './http/device-authorization-endpoint.js';
import { introspectionEndpoint } from './http/introspection-endpoint.js';
import { loginPages } from './http/login-pages.js';
import { PATHS, serverMetadata } from './http/metadata.js';
import { originResolver } from './http/origin.js';
import { revocationEndpoint } from './http/revocation-endpoint.js';
import type { Route } from './http/server.js';
import { tokenEndpoint } from './http/token-endpoint.js';
import { userinfoEndpoint } from './http/userinfo-endpoint.js';
import type { OAuthClients } from './oauth/clients.js';
import type { ScopePolicy } from './oauth/scopes.js';
import type { AuthorizationCodes } from './services/authorization-codes.js';
import type { DeviceFlowService } from './services/device-flow-service.js';
import type { LoginService } from './services/login-service.js';
import type { LogoutService } from './services/logout-service.js';
import type { OwnTokenVerifier } from './services/own-tokens.js';
import type { RegistryLookup } from './services/registry-lookup.js';
import type { SessionService } from './services/session-service.js';
import type { TokenService } from './services/token-service.js';
import type { OAuthMetrics } from './services/oauth-metrics.js';
import { UserCodeGuesses } from './services/user-code-guesses.js';

export interface OAuthParts {
  readonly config: TesseraConfig;
  readonly app: AuthserverConfig;
  readonly clients: OAuthClients;
  readonly registry: RegistryLookup;
  readonly scopePolicy: ScopePolicy;
  readonly audiences: readonly string[];
  readonly tokens: TokenService;
  readonly ownTokens: OwnTokenVerifier;
  readonly sessions: SessionService;
  readonly deviceFlows: DeviceFlowService;
  readonly codes: AuthorizationCodes;
  readonly login: LoginService;
  readonly logout: LogoutService;
  readonly jwks: unknown;
  readonly algorithms: readonly string[];
  readonly metrics: OAuthMetrics;
  readonly logger: Logger;
}

/** Every OAuth endpoint and login page, keyed `"<METHOD> <path>"`. */
export function oauthRoutes(parts: OAuthParts): Record<string, Route> {
  const { app, clients, tokens, scopePolicy, logger, metrics } = parts;
  const originOf = originResolver(app.trustedProxies);
  const audience = parts.audiences[0]!;
  const grants = [
    deviceCodeGrant({ deviceFlows: parts.deviceFlows, tokens, scopePolicy, audience }),
    authorizationCodeGrant({ codes: parts.codes, tokens, scopePolicy, audience }),
    refreshTokenGrant({ sessions: parts.sessions, tokens, registry: parts.registry, scopePolicy, audience }),
    clientCredentialsGrant({ tokens, scopePolicy, audience }),
    tokenExchangeGrant({ tokens, ownTokens: parts.ownTokens, sessions: parts.sessions, registry: parts.registry, scopePolicy, audiences: parts.audiences }),
  ];
  const metadata = JSON.stringify(serverMetadata(app.issuer, parts.algorithms, grants.map((g) => g.grantType)));
  const jwks = JSON.stringify(parts.jwks);
  // Discovery documents and keys change only with a restart; verifiers may cache them briefly.
  const publicJson = (body: string) => (_req: IncomingMessage, res: ServerResponse) =>
    void res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'public, max-age=300', 'access-control-allow-origin': '*' }).end(body);
  // Chromium checks form-action on every redirect a form submission follows: a chooser's form may
  // end at an IdP (IdP chooser) or at a client's redirect URI (a code flow's last step), so the
  // pages allow those registered origins, and no others.
  const formActionOrigins = [
    ...new Set([
      ...Object.values(parts.config.idps).map((idp) => new URL(idp.issuer).origin),
      ...Object.values(parts.config.oauthClients).flatMap((client) => client.redirectUris.map((uri) => new URL(uri).origin)),
    ]),
  ].filter((origin) => origin !== new URL(app.issuer).origin);
  return {
    'GET /.well-known/oauth-authorization-server': publicJson(metadata),
    'GET /.well-known/openid-configuration': publicJson(metadata),
    [`GET ${PATHS.jwks}`]: publicJson(jwks),
    [`POST ${PATHS.token}`]: tokenEndpoint({ clients, grants, logger, metrics, originOf }),
    [`POST ${PATHS.deviceAuthorization}`]: deviceAuthorizationEndpoint({ clients, deviceFlows: parts.deviceFlows, scopePolicy, logger, metrics, originOf }),
    [`POST ${PATHS.revocation}`]: revocationEndpoint({ clients, sessions: parts.sessions, ownTokens: parts.ownTokens, logout: parts.logout, logger, metrics }),
    [`POST ${PATHS.introspection}`]: introspectionEndpoint({ clients, sessions: parts.sessions, ownTokens: parts.ownTokens, logger, metrics }),
    [`GET ${PATHS.userinfo}`]: userinfoEndpoint({ ownTokens: parts.ownTokens, sessions: parts.sessions, logger }),
    [`POST ${PATHS.userinfo}`]: userinfoEndpoint({ ownTokens: parts.ownTokens, sessions: parts.sessions, logger }),
    ...loginPages({
      issuer: app.issuer,
      login: parts.login,
      deviceFlows: parts.deviceFlows,
      guesses: new UserCodeGuesses({ perSourcePerMinute: app.deviceFlow.userCodeGuessesPerSourcePerMinute, perMinute: app.deviceFlow.userCodeGuessesPerMinute }),
      clients,
      registry: parts.registry,
      scopePolicy,
      providerNames: new Map(Object.keys(parts.config.idps).map((name) => [name, name])),
      formActionOrigins,
      originOf,
      logger,
    }),
  };
}
