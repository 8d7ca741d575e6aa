import { createPrivateKey, X509Certificate } from 'node:crypto';
import type { IssueOptions, PemPair } from './types.js';
import { DAY_MS } from './validity.js';

const EKU_OIDS = { server: ['1.3.6.1.5.5.7.3.1'], client: ['1.3.6.1.5.5.7.3.2'], both: ['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2'] };
// Reissued a day ahead so a stack started just before expiry does not fail mid-session.
const RENEW_BEFORE_MS = DAY_MS;

/**
 * Whether an existing leaf still serves: issued and signed by this CA, valid for at least another
 * day, paired with its key, and carrying the identity and usages asked for now (the trust domain
 * or an identity's usage may have changed since it was issued). Anything unreadable is not.
 */
export function isCurrentLeaf(leaf: PemPair, caPem: string, wanted: IssueOptions, now = Date.now()): boolean {
  try {
    const ca = new X509Certificate(caPem);
    const cert = new X509Certificate(leaf.certPem);
    const names = cert.subjectAltName ?? '';
    return (
      cert.checkIssued(ca) &&
      cert.verify(ca.publicKey) &&
      Date.parse(cert.validFrom) <= now &&
      Date.parse(cert.validTo) > now + RENEW_BEFORE_MS &&
      cert.checkPrivateKey(createPrivateKey(leaf.keyPem)) &&
      (wanted.uris ?? []).every((uri) => names.includes(`URI:${uri}`)) &&
      (wanted.dnsNames ?? []).every((dns) => names.includes(`DNS:${dns}`)) &&
      EKU_OIDS[wanted.usage].every((oid) => cert.keyUsage?.includes(oid) ?? false)
    );
  } catch {
    return false;
  }
}
