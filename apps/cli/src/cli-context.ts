import type { AuthApi } from './api/auth-api.js';
import type { IssuerSettings } from './config/issuer-settings.js';
import type { IssuerMetadata, TesseraOAuth } from './oauth/tessera-oauth.js';
import type { Terminal } from './output/terminal.js';
import type { Locations } from './storage/locations.js';

/** The OAuth client's public face (tests give a fake). */
export type OAuthClient = Pick<TesseraOAuth, keyof TesseraOAuth>;

/** Everything a command needs from outside, wired once in main.ts. */
export interface CliContext {
  readonly env: NodeJS.ProcessEnv;
  readonly platform: NodeJS.Platform;
  readonly term: Terminal;
  readonly locations: Locations;
  now(): Date;
  /** The issuer `--issuer`, TESSERA_ISSUER or the config file names; undefined when none does. */
  issuerSettings(option: string | undefined): Promise<IssuerSettings | undefined>;
  /** The OAuth client: from the session's metadata while it is fresh, else after discovery. */
  oauth(settings: { issuer: string; clientId: string; issuerMetadata?: IssuerMetadata }): Promise<OAuthClient>;
  authApi(issuer: string, accessToken: string): Promise<AuthApi>;
  /** From the first call on, Ctrl-C (SIGINT) aborts this signal instead of ending the process:
   * for a command that waits on the user and must stop cleanly. */
  interruption(): AbortSignal;
}
