import { spiffeId } from './spiffe-id.js';
import type { CertificateUsage, IssueOptions } from './types.js';

export interface DevIdentity {
  name: string;
  usage: CertificateUsage;
}

/** Every app (servers that also call one another) and the demo callers of the dev stack. */
export const DEV_IDENTITIES: readonly DevIdentity[] = Object.freeze([
  { name: 'authserver', usage: 'both' },
  { name: 'tokenmanager', usage: 'both' },
  { name: 'idp-gateway', usage: 'both' },
  { name: 'demo-service', usage: 'client' },
  { name: 'demo-admin', usage: 'client' },
]);

/**
 * A dev identity's SPIFFE ID and its name as DNS SAN; servers also answer on loopback under
 * every name a local client may dial (`localhost`, 127.0.0.1, ::1).
 */
export function devIssueOptions(identity: DevIdentity, trustDomain: string): IssueOptions {
  const server = identity.usage !== 'client';
  return {
    commonName: identity.name,
    usage: identity.usage,
    uris: [spiffeId(trustDomain, identity.name)],
    dnsNames: server ? [identity.name, 'localhost'] : [identity.name],
    ipAddresses: server ? ['127.0.0.1', '::1'] : [],
  };
}
