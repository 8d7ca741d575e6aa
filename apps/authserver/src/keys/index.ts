import type { JWK } from 'jose';
import { createAccessTokenVerifier, type AccessTokenClaims, type SigningAlgorithm } from '@tessera/access-tokens';
import type { KeyringConfig, RegistryConfig } from '@tessera/config';
import type { UserTokenVerifier } from '@tessera/rpc';
import { createAccessTokenSigner, createJwsSigner } from './access-token-signer.js';
import { loadSigningKeys } from './signing-keys.js';

export { loadSigningKeys, type SigningKey, type SigningKeyring } from './signing-keys.js';
export { createAccessTokenSigner, createJwsSigner } from './access-token-signer.js';

/** The authserver's token keys: it signs with the active one and publishes them all. */
export interface TokenKeys {
  /** A compact JWS (`typ: at+jwt`) signed by the active key. */
  sign(claims: AccessTokenClaims): string;
  /** An OpenID Connect ID token (header `typ: JWT`), signed by the same active key. */
  signIdToken(claims: Readonly<Record<string, unknown>>): string;
  /** What `/.well-known/jwks.json` serves: public keys only. */
  readonly jwks: { readonly keys: readonly JWK[] };
  /** The algorithms of the published keys, for the discovery metadata. */
  readonly algorithms: readonly SigningAlgorithm[];
  /** Verifies user tokens with jose against the very keys published, as any other service does. */
  verifier(registry: RegistryConfig, audience: string, issuer: string): UserTokenVerifier;
}

export function loadTokenKeys(signing: KeyringConfig): TokenKeys {
  const ring = loadSigningKeys(signing);
  const jwks = { keys: ring.keys.map((key) => key.publicJwk) };
  const jws = createJwsSigner(ring.active);
  return {
    sign: createAccessTokenSigner(ring.active),
    signIdToken: (claims) => jws(claims, 'JWT'),
    jwks,
    algorithms: [...new Set(ring.keys.map((key) => key.alg))],
    verifier: (registry, audience, issuer) => createAccessTokenVerifier({ issuer, audience, keys: { keys: [...jwks.keys] }, registry }),
  };
}
