import { readFileSync } from 'node:fs';
import { createSecureContext, type SecureContextOptions } from 'node:tls';

/** Paths of the PEM files that make up one mTLS identity. */
export interface TlsFiles {
  /** The CA that issues service certificates; peers must present a certificate it signed. */
  caFile: string;
  certFile: string;
  keyFile: string;
}

export interface TlsMaterial {
  ca: Buffer;
  cert: Buffer;
  key: Buffer;
}

/** Service-to-service TLS is 1.3 only (DESIGN §4). */
export const MIN_TLS_VERSION = 'TLSv1.3' as const;

export function readTlsMaterial(files: TlsFiles): TlsMaterial {
  return { ca: readFileSync(files.caFile), cert: readFileSync(files.certFile), key: readFileSync(files.keyFile) };
}

export function secureContextOptions(material: TlsMaterial): SecureContextOptions {
  return { ca: material.ca, cert: material.cert, key: material.key, minVersion: MIN_TLS_VERSION };
}

/** Throws when the key does not match the certificate or a PEM does not parse. */
export function assertUsable(material: TlsMaterial): void {
  createSecureContext(secureContextOptions(material));
}

export function sameMaterial(a: TlsMaterial, b: TlsMaterial): boolean {
  return a.ca.equals(b.ca) && a.cert.equals(b.cert) && a.key.equals(b.key);
}
