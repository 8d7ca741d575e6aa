import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import type { JWK } from 'jose';
import type { SigningAlgorithm } from '@tessera/access-tokens';
import { ConfigError, SecretFileError, type ConfigIssue, type KeyringConfig } from '@tessera/config';

/** One key of the signing keyring: it signs when active, and is published in the JWKS always. */
export interface SigningKey {
  readonly kid: string;
  readonly alg: SigningAlgorithm;
  readonly privateKey: KeyObject;
  /** The public half as a JWK with `kid`, `alg` and `use` (RFC 7517 §4), for the JWKS. */
  readonly publicJwk: JWK;
}

export interface SigningKeyring {
  /** The key that signs new tokens (`activeKey`). */
  readonly active: SigningKey;
  /** Every configured key: the JWKS, so tokens signed by a key being rotated out still verify. */
  readonly keys: readonly SigningKey[];
}

/** The algorithm follows from the key (RFC 7518 §3.4, RFC 8037 §3.1), never from a setting. */
function algorithmOf(key: KeyObject): SigningAlgorithm | undefined {
  if (key.asymmetricKeyType === 'ed25519') return 'EdDSA';
  if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') return 'ES256';
  return undefined;
}

function describeKey(key: KeyObject): string {
  const curve = key.asymmetricKeyDetails?.namedCurve;
  return `${key.asymmetricKeyType ?? key.type}${curve ? ` (${curve})` : ''}`;
}

/**
 * Reads `apps.authserver.signing` once, at start-up: every key must be a private EC P-256 or
 * Ed25519 key in PEM, and every problem is reported at once, by key path, never with key material.
 */
export function loadSigningKeys(signing: KeyringConfig, configPath = 'apps.authserver.signing'): SigningKeyring {
  const issues: ConfigIssue[] = [];
  const keys: SigningKey[] = [];
  for (const [kid, secret] of Object.entries(signing.keys)) {
    const path = `${configPath}.keys.${kid}`;
    let privateKey: KeyObject;
    try {
      privateKey = createPrivateKey(secret.reveal());
    } catch (error) {
      if (error instanceof SecretFileError) issues.push({ path: `${path}.file`, message: error.message });
      else issues.push({ path, message: 'is not a PEM private key (PKCS#8: openssl genpkey -algorithm ed25519, or -algorithm EC -pkeyopt ec_paramgen_curve:P-256)' });
      continue;
    }
    const alg = algorithmOf(privateKey);
    if (alg === undefined) {
      issues.push({ path, message: `holds a key of type ${describeKey(privateKey)}; Tessera signs with EC P-256 (ES256) or Ed25519 (EdDSA) keys only` });
      continue;
    }
    const { kty, crv, x, y } = createPublicKey(privateKey).export({ format: 'jwk' });
    keys.push({ kid, alg, privateKey, publicJwk: { kty, crv, x, ...(y === undefined ? {} : { y }), kid, alg, use: 'sig' } });
  }
  if (issues.length > 0) throw new ConfigError(issues);
  const active = keys.find((key) => key.kid === signing.activeKey);
  // The keyring schema has checked that activeKey names a key.
  if (!active) throw new ConfigError([{ path: `${configPath}.activeKey`, message: `no key ${signing.activeKey} in keys` }]);
  return { active, keys };
}
