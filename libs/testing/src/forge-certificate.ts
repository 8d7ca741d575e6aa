// As in libs/pki: @peculiar/x509 needs the Reflect metadata polyfill loaded before it.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';

const EC = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const SIGN = { name: 'ECDSA', hash: 'SHA-256' } as const;

/**
 * A client certificate signed by the given CA with SAN entries written as they are, even ones
 * libs/pki refuses to write (a DNS name that spells a URI): what an attacker holding a CA-signed
 * certificate with odd names would present.
 */
export async function forgeCertificate(ca: { certPem: string; keyPem: string }, names: { type: 'dns' | 'url'; value: string }[]): Promise<{ cert: Buffer; key: Buffer }> {
  const caCert = new x509.X509Certificate(ca.certPem);
  const caKey = await crypto.subtle.importKey('pkcs8', x509.PemConverter.decodeFirst(ca.keyPem), EC, false, ['sign']);
  const keys = await crypto.subtle.generateKey(EC, true, ['sign', 'verify']);
  const certificate = await x509.X509CertificateGenerator.create({
    serialNumber: '01' + Buffer.from(crypto.getRandomValues(new Uint8Array(8))).toString('hex'),
    subject: 'CN=forged',
    issuer: caCert.subject,
    notBefore: new Date(Date.now() - 60_000),
    notAfter: new Date(Date.now() + 3_600_000),
    publicKey: keys.publicKey,
    signingKey: caKey,
    signingAlgorithm: SIGN,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth], false),
      new x509.SubjectAlternativeNameExtension(names, false),
      await x509.AuthorityKeyIdentifierExtension.create(caCert, false),
    ],
  });
  const key = x509.PemConverter.encode(await crypto.subtle.exportKey('pkcs8', keys.privateKey), 'PRIVATE KEY');
  return { cert: Buffer.from(certificate.toString('pem')), key: Buffer.from(key) };
}
