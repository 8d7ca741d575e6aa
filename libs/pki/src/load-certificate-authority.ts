import { createPrivateKey, createPublicKey } from 'node:crypto';
import { importSigningKeyPem } from './ec-keys.js';
import { issueCertificate } from './issue-certificate.js';
import type { CertificateAuthority, PemPair } from './types.js';
import { x509 } from './x509.js';

/**
 * A CA from its PEM files. Checks up front what would otherwise surface later as certificates
 * that no peer accepts: the certificate must be a CA and the key must be its key.
 */
export async function loadCertificateAuthority(pair: PemPair): Promise<CertificateAuthority> {
  const certificate = new x509.X509Certificate(pair.certPem);
  const constraints = certificate.getExtension(x509.BasicConstraintsExtension);
  if (!constraints?.ca) throw new Error(`not a CA certificate (no basicConstraints CA:TRUE): ${certificate.subject}`);
  const usages = certificate.getExtension(x509.KeyUsagesExtension);
  if (usages && (usages.usages & x509.KeyUsageFlags.keyCertSign) === 0) {
    throw new Error(`CA certificate may not sign certificates (keyUsage lacks keyCertSign): ${certificate.subject}`);
  }
  const publicKeyDer = createPublicKey(createPrivateKey(pair.keyPem)).export({ type: 'spki', format: 'der' });
  if (!publicKeyDer.equals(Buffer.from(certificate.publicKey.rawData))) {
    throw new Error(`the private key does not belong to the CA certificate ${certificate.subject}`);
  }
  const signingKey = await importSigningKeyPem(pair.keyPem);
  return {
    certPem: pair.certPem,
    keyPem: pair.keyPem,
    issue: (options) => issueCertificate({ certificate, signingKey }, options),
  };
}
