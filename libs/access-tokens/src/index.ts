export { ACCESS_TOKEN_TYPE, CLAIM, REQUIRED_CLAIMS, SIGNING_ALGORITHMS, type AccessTokenClaims, type SigningAlgorithm, type UserAccessTokenClaims } from './claims.js';
export { AccessTokenKeysUnavailable, AccessTokenRefused, type RefusalReason } from './refusals.js';
export {
  createAccessTokenVerifier,
  type AccessTokenUser,
  type AccessTokenVerifier,
  type AccessTokenVerifierOptions,
  type RemoteKeysOptions,
} from './verifier.js';
