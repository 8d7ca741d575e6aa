export type { CertificateAuthority, CertificateUsage, IssueOptions, PemPair, Validity } from './types.js';
export { createCertificateAuthority } from './create-certificate-authority.js';
export { loadCertificateAuthority } from './load-certificate-authority.js';
export { DEV_IDENTITIES, type DevIdentity } from './dev-identities.js';
export { ensureDevPki, type DevPki, type DevPkiOptions, DEV_SIGNING_KEYS } from './ensure-dev-pki.js';
export { spiffeId } from './spiffe-id.js';
