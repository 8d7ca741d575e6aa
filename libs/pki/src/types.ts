/** A certificate and its private key, both PEM; the key is PKCS#8 (`BEGIN PRIVATE KEY`). */
export interface PemPair {
  certPem: string;
  keyPem: string;
}

/** Defaults: now minus 5 minutes (clock skew between hosts) until now plus 365 days (CA: 10 years). */
export interface Validity {
  notBefore?: Date;
  notAfter?: Date;
}

export type CertificateUsage = 'server' | 'client' | 'both';

export interface IssueOptions extends Validity {
  commonName: string;
  /** URI SANs; a service's identity is its SPIFFE ID, e.g. `spiffe://tessera.dev/tokenmanager`. */
  uris?: string[];
  dnsNames?: string[];
  /** IPv4 or IPv6 literals, e.g. `127.0.0.1`, `::1`. */
  ipAddresses?: string[];
  /** Which TLS side the certificate may act as (extendedKeyUsage serverAuth / clientAuth / both). */
  usage: CertificateUsage;
}

export interface CertificateAuthority extends PemPair {
  issue(options: IssueOptions): Promise<PemPair>;
}
