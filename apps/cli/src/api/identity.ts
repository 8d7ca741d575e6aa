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
