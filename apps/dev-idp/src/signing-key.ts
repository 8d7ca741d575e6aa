import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, type JWK } from 'jose';

/**
 * A fresh ES256 key per start: dev-idp keeps nothing across restarts, so relying parties
 * re-fetch the JWKS by `kid` rather than trusting a key baked into a file.
 */
export async function generateSigningKey(): Promise<JWK> {
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  return { ...(await exportJWK(privateKey)), kid: randomUUID(), alg: 'ES256', use: 'sig' };
}
