import { errors } from 'jose';

/** Why a token was refused: a closed set, in our words, so no JWT library's message travels on. */
export type RefusalReason =
  | 'malformed'
  | 'algorithm'
  | 'unknown-key'
  | 'signature'
  | 'type'
  | 'issuer'
  | 'audience'
  | 'expired'
  | 'not-yet-valid'
  | 'claims'
  | 'not-a-user-token'
  | 'unknown-group'
  | 'not-in-group';

const MESSAGES: Record<RefusalReason, string> = {
  malformed: 'the access token is not a well-formed JWT',
  algorithm: 'the access token is not signed with an accepted algorithm',
  'unknown-key': 'the access token is signed with a key this server does not know',
  signature: 'the access token signature does not verify',
  type: 'the token is not an access token (typ at+jwt)',
  issuer: 'the access token is from another issuer',
  audience: 'the access token is not meant for this service',
  expired: 'the access token has expired',
  'not-yet-valid': 'the access token is not valid yet',
  claims: 'the access token lacks claims or has malformed ones',
  'not-a-user-token': 'the access token is not a user’s (it has no group)',
  'unknown-group': 'the access token’s group is no longer in the registry',
  'not-in-group': 'the access token’s user is no longer in its group',
};

/**
 * A token refused: `rejected: true` is what libs/rpc's caller resolvers read (they answer
 * UNAUTHENTICATED with their own words). No cause is kept: jose's errors carry the claims.
 */
export class AccessTokenRefused extends Error {
  override readonly name = 'AccessTokenRefused';
  readonly rejected = true;
  constructor(readonly reason: RefusalReason) {
    super(MESSAGES[reason]);
  }
}

/** The token could not be verified now (the JWKS cannot be fetched): not a refusal. */
export class AccessTokenKeysUnavailable extends Error {
  override readonly name = 'AccessTokenKeysUnavailable';
  constructor(source: string, options: { cause: unknown }) {
    super(`the access-token signing keys cannot be read from ${source}`, options);
  }
}

const BY_CLAIM = new Map<string, RefusalReason>([['typ', 'type'], ['iss', 'issuer'], ['aud', 'audience'], ['nbf', 'not-yet-valid']]);

/**
 * jose's errors in our terms: the ones about the token are refusals; the rest (a JWKS that cannot
 * be fetched, times out, is not JSON or not a JWKS) mean "cannot verify now".
 */
export function refusalOf(error: unknown): RefusalReason | undefined {
  if (error instanceof errors.JWTExpired) return 'expired';
  if (error instanceof errors.JWTClaimValidationFailed) {
    return BY_CLAIM.get(error.claim) ?? 'claims';
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'signature';
  if (error instanceof errors.JOSEAlgNotAllowed) return 'algorithm';
  if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys) return 'unknown-key';
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid || error instanceof errors.JOSENotSupported) return 'malformed';
  return undefined;
}
