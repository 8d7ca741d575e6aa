import type { GrantType } from '@tessera/config';
import { CLIENT_AUTH_METHODS } from '../oauth/clients.js';
import { FIXED_SCOPES } from '../oauth/scopes.js';

/** The endpoints' paths, under the issuer. */
export const PATHS = {
  authorization: '/authorize',
  token: '/token',
  deviceAuthorization: '/device_authorization',
  device: '/device',
  revocation: '/revoke',
  introspection: '/introspect',
  userinfo: '/userinfo',
  jwks: '/.well-known/jwks.json',
  callback: '/auth/callback',
} as const;

/**
 * Authorization server metadata (RFC 8414), also served as OpenID discovery: exactly what this
 * server supports, nothing it does not.
 */
export function serverMetadata(issuer: string, algorithms: readonly string[], grantTypes: readonly GrantType[]): Record<string, unknown> {
  const at = (path: string) => `${issuer}${path}`;
  return {
    issuer,
    authorization_endpoint: at(PATHS.authorization),
    token_endpoint: at(PATHS.token),
    device_authorization_endpoint: at(PATHS.deviceAuthorization),
    revocation_endpoint: at(PATHS.revocation),
    introspection_endpoint: at(PATHS.introspection),
    userinfo_endpoint: at(PATHS.userinfo),
    jwks_uri: at(PATHS.jwks),
    grant_types_supported: grantTypes,
    response_types_supported: ['code'],
    response_modes_supported: ['query'],
    code_challenge_methods_supported: ['S256'],
    scopes_supported: [...FIXED_SCOPES],
    token_endpoint_auth_methods_supported: CLIENT_AUTH_METHODS,
    revocation_endpoint_auth_methods_supported: CLIENT_AUTH_METHODS,
    introspection_endpoint_auth_methods_supported: CLIENT_AUTH_METHODS.filter((m) => m !== 'none'),
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: algorithms,
    claims_supported: ['iss', 'sub', 'aud', 'exp', 'iat', 'jti', 'client_id', 'scope', 'group', 'vo', 'sid', 'idp', 'idp_sub', 'preferred_username', 'nonce', 'azp'],
    // RFC 9207: the authorization response carries `iss`.
    authorization_response_iss_parameter_supported: true,
    request_parameter_supported: false,
    request_uri_parameter_supported: false,
    claims_parameter_supported: false,
  };
}
