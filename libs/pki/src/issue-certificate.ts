import type { webcrypto } from 'node:crypto';
import { exportPrivateKeyPem, generateKeyPair, SIGNING_ALGORITHM } from './ec-keys.js';
import { pemEncode } from './pem.js';
import { randomSerialNumber } from './serial-number.js';
import { subjectAltNames } from './subject-alt-names.js';
import type { CertificateUsage, IssueOptions, PemPair } from './types.js';
import { LEAF_LIFETIME_MS, resolveValidity } from './validity.js';
import { x509 } from './x509.js';

/** What signs a leaf: the CA certificate (for issuer name and key identifier) and its key. */
export interface Issuer {
  certificate: x509.X509Certificate;
  signingKey: webcrypto.CryptoKey;
}

const EXTENDED_KEY_USAGES: Record<CertificateUsage, readonly string[]> = {
  server: [x509.ExtendedKeyUsage.serverAuth],
  client: [x509.ExtendedKeyUsage.clientAuth],
  both: [x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth],
};

/** Issues an end-entity certificate with a fresh P-256 key. */
export async function issueCertificate(issuer: Issuer, options: IssueOptions): Promise<PemPair> {
  if (!options.commonName) throw new TypeError('commonName is required');
  // Checked at run time too: usage often comes from configuration, not from typed code.
  if (!Object.hasOwn(EXTENDED_KEY_USAGES, options.usage)) throw new TypeError(`unknown usage: ${String(options.usage)}`);
  const names = subjectAltNames(options);
  const { notBefore, notAfter } = resolveValidity(options, LEAF_LIFETIME_MS);
  const keys = await generateKeyPair();
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(false, undefined, true),
    // ECDSA keys sign the TLS 1.3 handshake; they never encipher keys, so digitalSignature is all.
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
    new x509.ExtendedKeyUsageExtension([...EXTENDED_KEY_USAGES[options.usage]], false),
    await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    await authorityKeyIdentifier(issuer.certificate),
  ];
  // Non-critical because the subject has a CN (RFC 5280 §4.2.1.6); an empty SAN would be invalid.
  if (names.length > 0) extensions.push(new x509.SubjectAlternativeNameExtension(names, false));
  const certificate = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerialNumber(),
    subject: [{ CN: [options.commonName] }],
    // The CA's own encoded name, so chain building matches it byte for byte.
    issuer: issuer.certificate.subjectName,
    notBefore,
    notAfter,
    publicKey: keys.publicKey,
    signingKey: issuer.signingKey,
    signingAlgorithm: SIGNING_ALGORITHM,
    extensions,
  });
  return { certPem: pemEncode(certificate.rawData, 'CERTIFICATE'), keyPem: await exportPrivateKeyPem(keys.privateKey) };
}

/**
 * The issuer's subjectKeyIdentifier when it has one: a CA made elsewhere may derive it in another
 * way than the SHA-1 of the key that @peculiar/x509 computes, and verifiers match on the value.
 */
async function authorityKeyIdentifier(ca: x509.X509Certificate): Promise<x509.AuthorityKeyIdentifierExtension> {
  const ski = ca.getExtension(x509.SubjectKeyIdentifierExtension);
  return ski ? new x509.AuthorityKeyIdentifierExtension(ski.keyId, false) : x509.AuthorityKeyIdentifierExtension.create(ca.publicKey, false);
}
