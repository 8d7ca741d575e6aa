import { setTimeout as sleep } from 'node:timers/promises';
import * as oidc from 'openid-client';
import { CliError, RUN_LOGIN } from '../cli-error.js';
import { ExitCode } from '../exit-codes.js';
import { printable } from '../output/printable.js';
import { nodeHttpFetch } from './node-http-fetch.js';
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

/** The issuer's RFC 8414 metadata as discovered, kept with the session so that a refresh does
 * not discover again. */
export interface IssuerMetadata {
  readonly document: oidc.ServerMetadata;
  /** ISO 8601. */
  readonly fetchedAt: string;
}

/** How long one refresh request may take, in seconds (openid-client's Configuration.timeout). */
const REFRESH_TIMEOUT_S = 5;
/** The retry of a refresh whose answer may have been lost: after this pause, and only while this
 * long has not passed since the first was sent (inside the authserver's 10 s grace). */
const RETRY_AFTER_MS = 1_000;
const RETRY_WITHIN_MS = 8_000;

/** How long discovered metadata is used before it is fetched again. */
export const METADATA_MAX_AGE_MS = 24 * 60 * 60_000;

/**
 * The CLI as an OAuth client of Tessera (a public client: no secret), over openid-client. Every
 * method throws only CliError.
 */
export class TesseraOAuth {
  readonly #config: oidc.Configuration;
  readonly #issuer: string;
  /** What was discovered (now, or for the session earlier). */
  readonly issuerMetadata: IssuerMetadata;

  private constructor(config: oidc.Configuration, issuer: string, fetchedAt: string) {
    this.#config = config;
    this.#issuer = issuer;
    this.issuerMetadata = { document: config.serverMetadata(), fetchedAt };
  }

  /**
   * The client for `issuer`: from `known` metadata when it is of that issuer and younger than a
   * day, otherwise by RFC 8414 discovery. An http:// issuer is allowed, for the dev stack and
   * tests only.
   */
  static async connect(settings: { issuer: string; clientId: string; issuerMetadata?: IssuerMetadata }, now: Date): Promise<TesseraOAuth> {
    const { issuer, clientId, issuerMetadata: known } = settings;
    const insecure = new URL(issuer).protocol === 'http:';
    const reused = known && usableMetadata(known, issuer, now) ? configured(known, clientId, insecure) : undefined;
    if (reused) return new TesseraOAuth(reused, issuer, known!.fetchedAt);
    try {
      const config = await oidc.discovery(new URL(issuer), clientId, undefined, oidc.None(), {
        execute: insecure ? [oidc.allowInsecureRequests] : [],
        algorithm: 'oauth2',
        [oidc.customFetch]: nodeHttpFetch,
      });
      return new TesseraOAuth(config, issuer, now.toISOString());
    } catch (error) {
      throw translateOAuthError(error, 'discovery', issuer);
    }
  }

  async startDeviceLogin(scope: string): Promise<DeviceAuthorization> {
    const raw = await this.#call('login', () => oidc.initiateDeviceAuthorization(this.#config, { scope }));
    // Shown in the terminal and opened in a browser: web addresses of the issuer's scheme only,
    // in their normal form, and a code of printable characters.
    const address = (value: string | undefined, name: string) => {
      if (value === undefined) return undefined;
      const url = URL.canParse(value) ? new URL(value) : undefined;
      if (!url || url.protocol !== new URL(this.#issuer).protocol) throw new CliError(ExitCode.failure, `the issuer sent a ${name} that is not a web address of its own scheme`);
      return url.href;
    };
    return {
      userCode: printable(raw.user_code, 64),
      verificationUri: address(raw.verification_uri, 'verification_uri')!,
      verificationUriComplete: address(raw.verification_uri_complete, 'verification_uri_complete'),
      expiresIn: raw.expires_in * 1000,
      raw,
    };
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

  /**
   * RFC 6749 §6. A refresh that failed after it may have reached the issuer (a 5xx from it or a
   * gateway, a timeout, a reset) may have rotated the refresh token all the same, its answer
   * lost; the authserver then takes the old token again for a little while (its
   * refreshTokenReuseGrace, 10 s by default) and later counts it as reuse, which ends the
   * session. So such a refresh is tried once more, a second later, if that is still well within
   * those 10 s; each attempt waits 5 s at most. Refusals, and failures before anything was sent
   * (connection refused, DNS, certificates), are not retried.
   */
  async refresh(refreshToken: string, options: { onRetry?: (why: string) => void } = {}): Promise<IssuedTokens> {
    this.#config.timeout = REFRESH_TIMEOUT_S;
    const once = async () => issued(await this.#call('refresh', () => oidc.refreshTokenGrant(this.#config, refreshToken)));
    const sent = Date.now();
    try {
      return await once();
    } catch (error) {
      if (!mayHaveReachedIssuer(error) || Date.now() - sent + RETRY_AFTER_MS > RETRY_WITHIN_MS) throw error;
      options.onRetry?.((error as Error).message);
      await sleep(RETRY_AFTER_MS);
      return once();
    }
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

/** Metadata of this issuer, discovered less than a day ago (and not in the future: a clock
 * that was wrong at login must not make it fresh for ever). */
function usableMetadata(known: IssuerMetadata, issuer: string, now: Date): boolean {
  const age = now.getTime() - Date.parse(known.fetchedAt);
  const sameIssuer = typeof known.document?.issuer === 'string' && known.document.issuer.replace(/\/+$/, '') === issuer;
  return sameIssuer && age >= 0 && age < METADATA_MAX_AGE_MS;
}

/** The client from kept metadata; undefined when openid-client will not take it (a session file
 * edited by hand), and then it is discovered again. */
function configured(known: IssuerMetadata, clientId: string, insecure: boolean): oidc.Configuration | undefined {
  try {
    const config = new oidc.Configuration(known.document, clientId, undefined, oidc.None());
    config[oidc.customFetch] = nodeHttpFetch;
    if (insecure) oidc.allowInsecureRequests(config);
    return config;
  } catch {
    return undefined;
  }
}

/** Whether a failed request may have been received: not when the connection was never made. */
function mayHaveReachedIssuer(error: unknown): boolean {
  if (!(error instanceof CliError) || error.exitCode !== ExitCode.issuerUnreachable) return false;
  const socketError = ((error.cause as { cause?: { code?: unknown } } | undefined)?.cause?.code);
  const notSent = typeof socketError === 'string' && (/^(ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH)$/.test(socketError) || /CERT|SELF_SIGNED|TLS/.test(socketError));
  return !notSent;
}

function issued(response: oidc.TokenEndpointResponse): IssuedTokens {
  return {
    accessToken: response.access_token,
    refreshToken: response.refresh_token,
    expiresIn: response.expires_in === undefined ? undefined : response.expires_in * 1000,
    scope: response.scope,
  };
}
