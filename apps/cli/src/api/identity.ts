/** The caller as the authserver's Whoami describes them. */
export interface Identity {
  readonly userId: string;
  readonly subject: string;
  readonly vo: string;
  readonly group: string;
  readonly properties: readonly string[];
  readonly scopes: readonly string[];
  readonly tokenExpiresAt: Date | undefined;
  readonly issuer: string;
  readonly clientId: string;
  readonly sessionId: string;
  readonly provider: string;
  readonly providerSubject: string;
}

/** One IdP token the platform holds for the user (metadata only). */
export interface StoredIdpToken {
  readonly provider: string;
  readonly subject: string;
  readonly scopes: readonly string[];
  readonly expiresAt: Date | undefined;
  readonly refreshExpiresAt: Date | undefined;
  readonly lastUsedAt: Date | undefined;
}

/** One of the user's sessions (a refresh-token family). */
export interface SessionSummary {
  readonly sessionId: string;
  readonly clientId: string;
  readonly group: string;
  readonly state: 'active' | 'expired' | 'revoked' | 'reuse-detected' | 'unknown';
  readonly current: boolean;
  readonly createdAt: Date | undefined;
  readonly lastUsedAt: Date | undefined;
  readonly expiresAt: Date | undefined;
  readonly createdIpAddress: string;
}
