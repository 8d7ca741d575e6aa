import type { webcrypto } from 'node:crypto';
import { pemEncode } from './pem.js';
import { x509 } from './x509.js';

// ECDSA P-256 with SHA-256: small keys and fast handshakes, and supported by every TLS 1.3 stack.
const KEY_ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256' } as const;
export const SIGNING_ALGORITHM = { name: 'ECDSA', hash: 'SHA-256' } as const;

/** The private key is extractable because it is written out as PKCS#8. */
export async function generateKeyPair(): Promise<webcrypto.CryptoKeyPair> {
  return globalThis.crypto.subtle.generateKey(KEY_ALGORITHM, true, ['sign', 'verify']);
}

export async function exportPrivateKeyPem(key: webcrypto.CryptoKey): Promise<string> {
  return pemEncode(await globalThis.crypto.subtle.exportKey('pkcs8', key), 'PRIVATE KEY');
}

/** Imported non-extractable: a loaded CA key only ever signs. */
export async function importSigningKeyPem(pem: string): Promise<webcrypto.CryptoKey> {
  const der = x509.PemConverter.decodeFirst(pem);
  return globalThis.crypto.subtle.importKey('pkcs8', der, KEY_ALGORITHM, false, ['sign']);
}
