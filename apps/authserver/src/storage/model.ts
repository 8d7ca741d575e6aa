/** AuthDB's domain types. Storage returns these, never ORM rows; secrets appear only as hashes. */

/** Who a finished login established: a registry user in one group, through one IdP. */
export interface LoginIdentity {
  readonly userId: string;
  readonly group: string;
  readonly vo: string;
  readonly provider: string;
  /** The user's `sub` at that IdP. */
  readonly providerSubject: string;
}

/** Where a client's request came from (RFC 8628 §5.4 shows it on the confirmation page). */
export interface Origin {
  readonly ipAddress: string;
  /** Truncated to 256 characters. */
  readonly userAgent: string;
}

/**
 * A device authorization (RFC 8628). `pending` until the user approves or denies it in a
 * browser; `approved` carries the identity the tokens are for; `consumed` once the device code
 * was exchanged: a device code is single use.
 */
export type DeviceFlowState = 'pending' | 'approved' | 'denied' | 'consumed';

export interface DeviceFlow {
  /** Random public id, safe to log and to put in a page's form. */
  readonly id: string;
  /** SHA-256 (base64url) of the device code; the code itself is never stored. */
  readonly deviceCodeHash: string;
  /** Normalised: 8 characters of BCDFGHJKLMNPQRSTVWXZ, no dash. */
  readonly userCode: string;
  readonly clientId: string;
  /** The scope the client asked for, as tokens (`g:dirac_user`, `offline_access`, …). */
  readonly scopes: readonly string[];
  readonly state: DeviceFlowState;
  /** The polling interval in seconds, raised by 5 on each slow_down (RFC 8628 §3.5). */
  readonly interval: number;
  readonly lastPolledAt: Date | undefined;
  readonly origin: Origin;
  readonly createdAt: Date;
  readonly expiresAt: Date;
  /** Set when approved. */
  readonly identity: LoginIdentity | undefined;
  /** Set when approved: the scopes granted (the group resolved into `g:<group>`). */
  readonly grantedScopes: readonly string[] | undefined;
  /** Set when denied: why, in words the device may show its user (`error_description`). */
  readonly denial: string | undefined;
}

export type NewDeviceFlow = Omit<DeviceFlow, 'state' | 'lastPolledAt' | 'identity' | 'grantedScopes' | 'denial'>;

/** The outcome of recording a poll (RFC 8628 §3.5). */
export type PollPace = 'in-time' | 'too-fast';

/** What a browser login is for: approving a device flow, or an authorization code for a client. */
export type LoginPurpose =
  | { readonly kind: 'device'; readonly deviceFlowId: string }
  | {
      readonly kind: 'code';
      readonly clientId: string;
      readonly redirectUri: string;
      /** The client's `state`, passed back unchanged. */
      readonly state: string | undefined;
      /** PKCE (RFC 7636); only S256 is accepted. */
      readonly codeChallenge: string | undefined;
      readonly nonce: string | undefined;
    };

/**
 * Where a browser login stands. `choose-idp` → `at-idp` (the gateway's sealed state kept until
 * the callback) → `completing` (the callback claimed it and is asking the gateway) → `choose-group` when several groups fit → `done` (device flow approved, or a
 * code issued: then `codeHash` is set until the code is redeemed) or `failed`.
 */
export type AuthorizationFlowStage = 'choose-idp' | 'at-idp' | 'completing' | 'choose-group' | 'code-issued' | 'done' | 'failed';

/** A browser login: one per visit to the verification page or to /authorize. */
export interface AuthorizationFlow {
  /** Random public id, carried in the pages' URLs and forms. */
  readonly id: string;
  readonly purpose: LoginPurpose;
  /** The scopes requested (as tokens). */
  readonly scopes: readonly string[];
  readonly stage: AuthorizationFlowStage;
  /** SHA-256 of a random value in an HttpOnly cookie of the browser that started the login: the
   * callback and every form must come from that browser (login CSRF, RFC 9700 §4.7). */
  readonly browserBindingHash: string;
  /** The IdP chosen, once known. */
  readonly provider: string | undefined;
  /** The `state` the gateway put in the IdP's URL: the callback finds its flow by it. */
  readonly idpState: string | undefined;
  /** The gateway's sealed flow state (opaque, AEAD-sealed by the gateway). */
  readonly sealedState: Uint8Array | undefined;
  /** After the IdP: the registry user and the groups that fit. */
  readonly userId: string | undefined;
  readonly providerSubject: string | undefined;
  readonly candidateGroups: readonly string[];
  /** The identity finally chosen. */
  readonly identity: LoginIdentity | undefined;
  /** SHA-256 of the authorization code while it waits to be redeemed. */
  readonly codeHash: string | undefined;
  readonly codeExpiresAt: Date | undefined;
  /** The session the redeemed code produced: a replayed code revokes it (RFC 6749 §4.1.2). */
  readonly sessionId: string | undefined;
  readonly origin: Origin;
  readonly createdAt: Date;
  readonly expiresAt: Date;
}

export type NewAuthorizationFlow = Pick<AuthorizationFlow, 'id' | 'purpose' | 'scopes' | 'browserBindingHash' | 'origin' | 'createdAt' | 'expiresAt'> & {
  readonly stage: 'choose-idp' | 'at-idp';
};

export type AuthorizationFlowChange = Partial<
  Pick<AuthorizationFlow, 'stage' | 'scopes' | 'provider' | 'idpState' | 'sealedState' | 'userId' | 'providerSubject' | 'candidateGroups' | 'identity' | 'codeHash' | 'codeExpiresAt' | 'sessionId'>
>;

/** Why a session ended. `reuse`: an already rotated refresh token came back (RFC 9700 §4.14.2);
 * `code-replay`: the authorization code that started it was presented again. */
export type SessionEnd = 'logout' | 'revoked' | 'reuse' | 'code-replay';

/** A session: one family of Tessera refresh tokens from one login, rotated on every refresh. */
export interface Session {
  /** Random public id (not a token): the access tokens' `sid`. */
  readonly id: string;
  readonly clientId: string;
  readonly identity: LoginIdentity;
  readonly scopes: readonly string[];
  readonly createdAt: Date;
  /** Absolute: rotation never extends it. */
  readonly expiresAt: Date;
  readonly lastUsedAt: Date | undefined;
  readonly revokedAt: Date | undefined;
  readonly endReason: SessionEnd | undefined;
  readonly origin: Origin;
  /** How many times it was rotated. */
  readonly generation: number;
}

export type NewSession = Omit<Session, 'lastUsedAt' | 'revokedAt' | 'endReason' | 'generation'>;

/** One refresh token of a session, by its hash. `rotatedAt` is set once a successor was issued. */
export interface RefreshTokenRecord {
  readonly tokenHash: string;
  readonly sessionId: string;
  readonly generation: number;
  readonly issuedAt: Date;
  readonly rotatedAt: Date | undefined;
}

/** A keyset page: the rows after the given key. */
export interface After<K> {
  readonly after: K | undefined;
  readonly limit: number;
}
