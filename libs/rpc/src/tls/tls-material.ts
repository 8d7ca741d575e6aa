import { X509Certificate, createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createSecureContext, type SecureContextOptions } from 'node:tls';
import type { TlsFiles } from '@tessera/config';

export interface TlsMaterial {
  ca: Buffer;
  cert: Buffer;
  key: Buffer;
}

/** Service-to-service TLS is 1.3 only (DESIGN §4). */
export const MIN_TLS_VERSION = 'TLSv1.3' as const;

/** Why a set of TLS files cannot be used: the file at fault (a key of TlsFiles) and what is wrong
 * with it, worded to follow the file's path. */
export class TlsMaterialError extends Error {
  override readonly name = 'TlsMaterialError';
  constructor(
    readonly file: keyof TlsFiles,
    message: string,
  ) {
    super(message);
  }
}

export function readTlsMaterial(files: TlsFiles): TlsMaterial {
  const read = (file: keyof TlsFiles): Buffer => {
    try {
      return readFileSync(files[file]);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const why = code === 'ENOENT' ? 'does not exist' : code === 'EACCES' ? 'is not readable by this process' : `cannot be read (${code ?? 'error'})`;
      throw new TlsMaterialError(file, why);
    }
  };
  return { ca: read('caFile'), cert: read('certFile'), key: read('keyFile') };
}

/**
 * Throws a TlsMaterialError unless the material would serve: every PEM parses, the key is the
 * certificate's (same type and public key), and the certificate is valid now. A pair that fails
 * here would make every new connection fail, so it is never swapped in.
 */
export function assertUsable(material: TlsMaterial, now = new Date()): void {
  const parse = <T>(file: keyof TlsFiles, what: string, fn: () => T): T => {
    try {
      return fn();
    } catch {
      throw new TlsMaterialError(file, `is not a PEM ${what}`);
    }
  };
  parse('caFile', 'CA certificate', () => new X509Certificate(material.ca));
  const cert = parse('certFile', 'certificate', () => new X509Certificate(material.cert));
  const key = parse('keyFile', 'private key', () => createPrivateKey(material.key));
  if (!cert.checkPrivateKey(key)) throw new TlsMaterialError('keyFile', `is not the private key of the certificate (a ${key.asymmetricKeyType} key)`);
  if (new Date(cert.validFrom) > now) throw new TlsMaterialError('certFile', `is not valid before ${new Date(cert.validFrom).toISOString()}`);
  if (new Date(cert.validTo) <= now) throw new TlsMaterialError('certFile', `expired at ${new Date(cert.validTo).toISOString()}`);
  try {
    createSecureContext(secureContextOptions(material));
  } catch (error) {
    throw new TlsMaterialError('certFile', `cannot be used for TLS (${(error as { code?: string }).code ?? 'error'})`);
  }
}

export function secureContextOptions(material: TlsMaterial): SecureContextOptions {
  return { ca: material.ca, cert: material.cert, key: material.key, minVersion: MIN_TLS_VERSION };
}

export function sameMaterial(a: TlsMaterial, b: TlsMaterial): boolean {
  return a.ca.equals(b.ca) && a.cert.equals(b.cert) && a.key.equals(b.key);
}
