import type { IncomingMessage, ServerResponse } from 'node:http';

export interface DevIdpAccount {
  login: string;
  password: string;
  sub: string;
  name?: string;
  email?: string;
  /** IAM-style WLCG groups, e.g. `/dirac/user`. */
  groups: string[];
  /** eduPerson entitlement values, as EGI Check-In releases them. */
  entitlements?: string[];
}

export interface DevIdpClient {
  clientId: string;
  /** Absent for a public client (token endpoint auth method `none`). */
  clientSecret?: string;
  redirectUris: string[];
  grantTypes: string[];
  scope?: string;
}

export interface DevIdpLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

export interface DevIdpOptions {
  /** e.g. `http://127.0.0.1:9000`; fixed before listening because tokens carry it as `iss`. */
  issuer: string;
  accounts: DevIdpAccount[];
  clients: DevIdpClient[];
  /** Lifetimes in seconds. */
  ttl?: { accessToken?: number; idToken?: number; refreshToken?: number; deviceCode?: number };
  logger?: DevIdpLogger;
}

export interface DevIdp {
  readonly issuer: string;
  listen(port: number, host?: string): Promise<{ port: number }>;
  close(): Promise<void>;
  /** A node request handler, for embedding the provider in another server. */
  handler: (req: IncomingMessage, res: ServerResponse) => void;
}
