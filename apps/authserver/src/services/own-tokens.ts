/** The claims of a Tessera access token this authserver issued and has just verified. */
export interface VerifiedAccessToken {
  readonly sub: string;
  readonly clientId: string;
  readonly scopes: readonly string[];
  readonly jti: string;
  readonly issuedAt: number;
  readonly expiresAt: number;
  readonly audience: readonly string[];
  /** Present on user tokens. */
  readonly group: string | undefined;
  readonly vo: string | undefined;
  readonly provider: string | undefined;
  readonly providerSubject: string | undefined;
  readonly sessionId: string | undefined;
}

/** Verifies tokens this authserver issued (jose, against its own published keys); resolves to
 * undefined for a token it did not issue or that is no longer valid. */
export interface OwnTokenVerifier {
  verify(token: string): Promise<VerifiedAccessToken | undefined>;
}
