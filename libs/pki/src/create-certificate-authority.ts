import { exportPrivateKeyPem, generateKeyPair, SIGNING_ALGORITHM } from './ec-keys.js';
import { loadCertificateAuthority } from './load-certificate-authority.js';
import { pemEncode } from './pem.js';
import { randomSerialNumber } from './serial-number.js';
import type { CertificateAuthority, Validity } from './types.js';
import { CA_LIFETIME_MS, resolveValidity } from './validity.js';
import { x509 } from './x509.js';

/** A new self-signed root CA with a fresh P-256 key. */
export async function createCertificateAuthority(options: { commonName: string } & Validity): Promise<CertificateAuthority> {
  if (!options.commonName) throw new TypeError('commonName is required');
  const { notBefore, notAfter } = resolveValidity(options, CA_LIFETIME_MS);
  const keys = await generateKeyPair();
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerialNumber(),
    name: [{ CN: [options.commonName] }],
    notBefore,
    notAfter,
    keys,
    signingAlgorithm: SIGNING_ALGORITHM,
    extensions: [
      // pathLen 0: this CA issues service certificates only, never intermediate CAs.
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  // Going through the loader keeps one code path for issuing, whether the CA is new or read back.
  return loadCertificateAuthority({
    certPem: pemEncode(certificate.rawData, 'CERTIFICATE'),
    keyPem: await exportPrivateKeyPem(keys.privateKey),
  });
}
