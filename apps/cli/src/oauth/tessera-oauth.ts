import * as oidc from 'openid-client';
import { CliError, RUN_LOGIN } from '../cli-error.js';
import { ExitCode } from '../exit-codes.js';
import { translateOAuthError, type OAuthStep } from './translate-oauth-error.js';

/** RFC 8628 §3.2, as the CLI shows it. */
export interface DeviceAuthorization {
  readonly userCode: string;
  readonly verificationUri: string;
  readonly verificationUriComplete: string | undefined;
  /** ms */
  readonly expiresIn: number;
  readonly raw: oidc.DeviceAuthorizationResponse;
}

export interface IssuedTokens {
  readonly accessToken: string;
  readonly refreshToken: string | undefined;
  /** ms, when the issuer said. */
  readonly expiresIn: number | undefined;
  readonly scope: string | undefined;
}

/**
 * The CLI as an OAuth client of Tessera (a public client: no secret), over openid-client. Every
 * method throws only CliError.
 */
export class TesseraOAuth {
  readonly #config: oidc.Configuration;
  readonly #issuer: string;

  private constructor(config: oidc.Configuration, issuer: string) {
    this.#config = config;
    this.#issuer = issuer;
  }

  /** RFC 8414 discovery. An http:// issuer is allowed, for the dev stack and tests only. */
  static async discover(issuer: string, clientId: string): Promise<TesseraOAuth> {
    const url = new URL(issuer);
    const execute = url.protocol === 'http:' ? [oidc.allowInsecureRequests] : [];
    try {
      return new TesseraOAuth(await oidc.discovery(url, clientId, undefined, oidc.None(), { execute, algorithm: 'oauth2' }), issuer);
    } catch (error) {
      throw translateOAuthError(error, 'discovery', issuer);
    }
  }

  async startDeviceLogin(scope: string): Promise<DeviceAuthorization> {
    const raw = await this.#call('login', () => oidc.initiateDeviceAuthorization(this.#config, { scope }));
    return { userCode: raw.user_code, verificationUri: raw.verification_uri, verificationUriComplete: raw.verification_uri_complete, expiresIn: raw.expires_in * 1000, raw };
  }

  /** Polls as RFC 8628 §3.5 says (interval, +5 s on slow_down) until approved, refused, expired
   * (`expires_in`), or `signal`. */
  async pollDeviceLogin(started: DeviceAuthorization, signal: AbortSignal): Promise<IssuedTokens> {
    // openid-client stops at expires_in only when given no signal of its own.
    const expiry = AbortSignal.timeout(started.expiresIn);
    try {
      return issued(await this.#call('login', () => oidc.pollDeviceAuthorizationGrant(this.#config, started.raw, undefined, { signal: AbortSignal.any([signal, expiry]) })));
    } catch (error) {
      if (expiry.aborted) throw new CliError(ExitCode.codeExpired, 'the login was not approved in time', { cause: error, hint: RUN_LOGIN });
      throw error;
    }
  }

  async refresh(refreshToken: string): Promise<IssuedTokens> {
    return issued(await this.#call('refresh', () => oidc.refreshTokenGrant(this.#config, refreshToken)));
  }

  /** RFC 7009; `everywhere` is Tessera's `delete_idp_tokens=true` (README "Logging in"). */
  async revoke(refreshToken: string, options: { everywhere: boolean }): Promise<void> {
    const parameters: Record<string, string> = { token_type_hint: 'refresh_token', ...(options.everywhere ? { delete_idp_tokens: 'true' } : {}) };
    await this.#call('logout', () => oidc.tokenRevocation(this.#config, refreshToken, parameters));
  }

  async #call<T>(step: OAuthStep, request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (error) {
      throw translateOAuthError(error, step, this.#issuer);
    }
  }
}

function issued(response: oidc.TokenEndpointResponse): IssuedTokens {
  return {
    accessToken: response.access_token,
    refreshToken: response.refresh_token,
    expiresIn: response.expires_in === undefined ? undefined : response.expires_in * 1000,
    scope: response.scope,
  };
}
