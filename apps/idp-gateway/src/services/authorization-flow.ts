import type { MessageInitShape } from '@bufbuild/protobuf';
import { timestampFromMs, type Timestamp } from '@bufbuild/protobuf/wkt';
import * as oidc from 'openid-client';
import { idpgatewayV1 } from '@tessera/contracts';
import { parseGroups } from '../domain/group-claims.js';
import { SealedStateError, type FlowState, type StateSealer } from '../domain/sealed-state.js';
import { IdpError, IdpErrorKind } from '../idp/idp-error.js';
import type { IdpMetrics } from '../idp/idp-metrics.js';
import { requestSignal } from '../idp/request-signal.js';
import { TokenResponseCapture } from '../idp/token-response-capture.js';
import type { ProviderDirectory } from './provider-directory.js';
import { instantAt, shapeTokens, unique } from './token-set.js';

/** How long a user has to finish logging in at the IdP. */
export const FLOW_TTL_MS = 10 * 60_000;

const PROMPT: Partial<Record<idpgatewayV1.Prompt, string>> = {
  [idpgatewayV1.Prompt.NONE]: 'none',
  [idpgatewayV1.Prompt.LOGIN]: 'login',
  [idpgatewayV1.Prompt.CONSENT]: 'consent',
  [idpgatewayV1.Prompt.SELECT_ACCOUNT]: 'select_account',
};

type BeginRequest = idpgatewayV1.BeginAuthorizationRequest;
type CompleteRequest = idpgatewayV1.CompleteAuthorizationRequest;
type CompleteResponse = MessageInitShape<typeof idpgatewayV1.CompleteAuthorizationResponseSchema>;

/**
 * Authorization code + PKCE (S256) logins at an IdP. The gateway keeps no state: what must
 * survive until the callback (verifier, state, nonce, redirect URI, scopes) is sealed into the
 * blob the caller hands back.
 */
export class AuthorizationFlow {
  constructor(
    private readonly providers: ProviderDirectory,
    private readonly sealer: StateSealer,
    private readonly metrics: IdpMetrics,
  ) {}

  async begin(request: BeginRequest): Promise<MessageInitShape<typeof idpgatewayV1.BeginAuthorizationResponseSchema>> {
    const connection = this.providers.get(request.provider);
    const redirectUri = parseRedirectUri(request.provider, request.redirectUri);
    const codeVerifier = oidc.randomPKCECodeVerifier();
    const flow: FlowState = {
      provider: request.provider,
      codeVerifier,
      state: oidc.randomState(),
      nonce: oidc.randomNonce(),
      redirectUri,
      scopes: unique([...connection.config.scopes, ...request.scopes, ...request.groupScopes]),
      expiresAt: Date.now() + FLOW_TTL_MS,
    };
    const parameters: Record<string, string> = {
      redirect_uri: redirectUri,
      scope: flow.scopes.join(' '),
      code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      state: flow.state,
      nonce: flow.nonce,
    };
    const prompt = PROMPT[request.prompt];
    if (prompt) parameters.prompt = prompt;
    if (request.loginHint) parameters.login_hint = request.loginHint;
    // Building the URL is local work: it must not take the breaker's half-open probe.
    const url = oidc.buildAuthorizationUrl(await connection.localConfiguration(), parameters);
    return {
      authorizationUrl: url.href,
      state: flow.state,
      sealedState: await this.sealer.seal(flow),
      expiresAt: timestampFromMs(flow.expiresAt),
      requestedScopes: flow.scopes,
    };
  }

  async complete(request: CompleteRequest): Promise<CompleteResponse> {
    const flow = await this.#open(request);
    const connection = this.providers.get(flow.provider);
    const invalid = (message: string) => new IdpError({ kind: IdpErrorKind.INVALID_REQUEST, provider: flow.provider, message });
    const callback = callbackUrl(request, flow.redirectUri);
    if (!callback) throw invalid('the callback does not belong to this authorization flow (redirect URI differs)');
    const params = callback.searchParams;
    if (params.get('state') !== flow.state) throw invalid('the callback state does not match the authorization flow');
    // RFC 9207 §2.4: a present `iss` must be the issuer the flow was started with (mix-up defence).
    const iss = params.get('iss');
    const issuer = (await connection.metadata()).issuer;
    // The value is the browser's, so it is not repeated in the answer.
    if (iss !== null && iss !== issuer) throw invalid(`the callback names another issuer than ${flow.provider}: the login was not completed at ${flow.provider}`);

    const capture = new TokenResponseCapture();
    const response = await capture
      .run(() =>
        connection.call(
          'authorization_code',
          (config) => oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: flow.codeVerifier, expectedState: flow.state, expectedNonce: flow.nonce, idTokenExpected: true }),
          { safe: false },
        ),
      )
      .catch(async (error: unknown) => {
        // The IdP issued tokens whose answer then failed a check (the ID token's signature, say):
        // nobody will store them, so they must not outlive the failed login at the IdP.
        const issued = await capture.tokenResponse();
        if (typeof issued?.refresh_token === 'string') await this.#revokeQuietly(flow.provider, issued.refresh_token, 'refresh_token');
        throw error;
      });
    const idClaims = (response.claims() ?? {}) as Record<string, unknown>;
    const { groupsClaim, type } = connection.config;
    let userinfo: Record<string, unknown> = {};
    try {
      // Some IdPs release group claims only from the userinfo endpoint.
      if (idClaims[groupsClaim] === undefined) {
        userinfo = (await connection.call('userinfo', (config) => oidc.fetchUserInfo(config, response.access_token, String(idClaims.sub)), { safe: true })) as Record<string, unknown>;
      }
    } catch (error) {
      // The login fails, so the tokens just issued must not outlive it at the IdP.
      await this.#revokeQuietly(flow.provider, response.refresh_token ?? response.access_token, response.refresh_token ? 'refresh_token' : 'access_token');
      throw error;
    }
    const claims = { ...userinfo, ...idClaims };
    const { entitlementAuthorities, entitlementNamespaces } = connection.config;
    const groups = parseGroups(claims, { type, groupsClaim, entitlementAuthorities, entitlementNamespaces });
    for (const { reason, count } of groups.rejected) this.metrics.groupClaimsRejected(connection.name, reason, count);
    const shaped = shapeTokens(response, flow.scopes, connection.config.clientId);
    const str = (v: unknown) => (typeof v === 'string' ? v : '');
    return {
      identity: {
        provider: flow.provider,
        issuer: str(claims.iss),
        subject: str(claims.sub),
        groups: groups.groups,
        email: str(claims.email),
        emailVerified: claims.email_verified === true,
        name: str(claims.name),
        preferredUsername: str(claims.preferred_username),
        rawGroupClaims: groups.raw,
        ...authTimeOf(claims),
      },
      tokenSet: shaped.tokenSet,
      refusedScopes: shaped.refusedScopes,
    };
  }

  /** Best effort, and outside the caller's deadline: the login may have failed because that
   * deadline passed, and the tokens must not outlive it at the IdP all the same. */
  async #revokeQuietly(provider: string, token: string, hint: string): Promise<void> {
    const connection = this.providers.get(provider);
    await requestSignal
      .exit(() => connection.call('revocation', (config) => oidc.tokenRevocation(config, token, { token_type_hint: hint }), { safe: true }))
      .catch(() => undefined);
  }

  async #open(request: CompleteRequest): Promise<FlowState> {
    let flow: FlowState;
    try {
      flow = await this.sealer.open(request.sealedState);
    } catch (error) {
      if (!(error instanceof SealedStateError)) throw error;
      const why = error.reason === 'expired' ? 'has expired' : 'is not valid';
      throw new IdpError({
        kind: IdpErrorKind.INVALID_REQUEST,
        provider: request.provider,
        message: `the authorization flow state ${why}: start the login again`,
        detail: error.reason,
      });
    }
    if (request.provider !== '' && request.provider !== flow.provider) {
      throw new IdpError({ kind: IdpErrorKind.INVALID_REQUEST, provider: request.provider, message: `this authorization flow was started with ${flow.provider}, not ${request.provider}` });
    }
    return flow;
  }
}

function parseRedirectUri(provider: string, value: string): string {
  try {
    const url = new URL(value);
    // No query: openid-client sends redirect_uri without it at the token endpoint, which would
    // then not match the one authorized (RFC 6749 §4.1.3).
    if ((url.protocol === 'https:' || url.protocol === 'http:') && url.hash === '' && url.search === '') return url.href;
  } catch {
    // reported below
  }
  throw new IdpError({ kind: IdpErrorKind.INVALID_REQUEST, provider, message: 'redirect_uri must be an absolute http(s) URL without a query or fragment' });
}

/** The callback as the URL the IdP redirected to; undefined when it is not the flow's redirect URI. */
function callbackUrl(request: CompleteRequest, redirectUri: string): URL | undefined {
  const expected = new URL(redirectUri);
  if (request.callback.case === 'callbackUrl') {
    let url: URL;
    try {
      url = new URL(request.callback.value);
    } catch {
      return undefined;
    }
    return url.origin === expected.origin && url.pathname === expected.pathname ? url : undefined;
  }
  const params = request.callback.case === 'params' ? request.callback.value : undefined;
  const url = new URL(expected.href);
  const set = (k: string, v: string | undefined) => v && url.searchParams.set(k, v);
  set('code', params?.code);
  set('state', params?.state);
  set('iss', params?.iss);
  set('error', params?.error);
  set('error_description', params?.errorDescription);
  set('error_uri', params?.errorUri);
  return url;
}

/** `auth_time` (OIDC Core §2) as the identity carries it: absent when unusable (see instantAt). */
function authTimeOf(claims: Record<string, unknown>): { authTime?: Timestamp } {
  const authTime = instantAt(claims.auth_time);
  return authTime ? { authTime } : {};
}
