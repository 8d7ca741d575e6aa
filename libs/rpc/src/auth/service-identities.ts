import type { PeerCertificate } from 'node:tls';
import { DNS_NAME, isSpiffeIdIn } from '@tessera/config';
import type { Peer, PropertyLookup, ServiceCaller } from './caller.js';

/** Splits Node's `subjectaltname` string ("URI:spiffe://a/b, DNS:x, IP Address:1.2.3.4"). */
export function parseSubjectAltName(san: string | undefined): { uris: string[]; dnsNames: string[] } {
  const uris: string[] = [];
  const dnsNames: string[] = [];
  // Node quotes values that contain separators (CVE-2021-44532), e.g. URI:"urn:a,b".
  for (const [, kind, value = ''] of (san ?? '').matchAll(/(?:^|,\s*)([A-Za-z ]+):("(?:[^"\\]|\\.)*"|[^,]*)/g)) {
    const unquoted = value.startsWith('"') ? (JSON.parse(value) as string) : value;
    if (kind === 'URI') uris.push(unquoted);
    else if (kind === 'DNS') dnsNames.push(unquoted);
  }
  return { uris, dnsNames };
}

/**
 * Resolves the service a verified client certificate names (DESIGN §4): its URI SAN when that is
 * a SPIFFE ID in our trust domain, else its DNS SAN when that is a valid DNS name. Each kind is
 * looked up only as itself: a DNS SAN spelling "spiffe://…" is not a DNS name and names nobody,
 * and a registry key that is a SPIFFE ID is never matched by a DNS SAN. Results are cached by
 * certificate fingerprint, since every connection of one service presents the same certificate.
 */
export class ServiceIdentities {
  readonly #cache = new Map<string, Peer>();
  constructor(
    private readonly trustDomain: string,
    private readonly lookup: PropertyLookup,
    private readonly maxEntries = 1024,
  ) {}

  resolve(certificate: PeerCertificate | undefined): Peer {
    if (!certificate?.raw) return { kind: 'unidentified', reason: 'a client certificate issued by the service CA is required' };
    const fingerprint = certificate.fingerprint256;
    const cached = this.#cache.get(fingerprint);
    if (cached) return cached;
    const peer = this.#identify(certificate);
    if (this.#cache.size >= this.maxEntries) this.#cache.clear();
    this.#cache.set(fingerprint, peer);
    return peer;
  }

  #identify(certificate: PeerCertificate): Peer {
    const { uris, dnsNames } = parseSubjectAltName(certificate.subjectaltname);
    const id = uris.find((u) => isSpiffeIdIn(this.trustDomain, u)) ?? dnsNames.map((d) => d.toLowerCase()).find((d) => DNS_NAME.test(d));
    if (id === undefined) {
      return {
        kind: 'unidentified',
        reason: `the client certificate has no usable subject alternative name: expected a URI SAN spiffe://${this.trustDomain}/<name> or a DNS SAN`,
      };
    }
    const caller: ServiceCaller = {
      kind: 'service',
      id,
      uris,
      dnsNames,
      properties: new Set(this.lookup(id) ?? []),
      certificateNotAfter: new Date(certificate.valid_to),
      // The contract's form: SHA-256, lowercase hex without separators (Node writes "AB:CD:…").
      certificateFingerprint: certificate.fingerprint256.replaceAll(':', '').toLowerCase(),
    };
    return caller;
  }
}
