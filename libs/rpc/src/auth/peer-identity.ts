import type { PeerCertificate } from 'node:tls';
import type { Caller, PropertyLookup } from './caller.js';

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
 * Resolves callers from verified peer certificates. Parsing and the registry lookup are cached by
 * certificate fingerprint: many calls arrive over one connection with the same certificate.
 */
export class CallerResolver {
  readonly #cache = new Map<string, Caller>();
  constructor(
    private readonly lookup: PropertyLookup,
    private readonly maxEntries = 1024,
  ) {}

  resolve(certificate: PeerCertificate | undefined): Caller | undefined {
    if (!certificate?.raw) return undefined;
    const fingerprint = certificate.fingerprint256;
    const cached = this.#cache.get(fingerprint);
    if (cached) return cached;
    const { uris, dnsNames } = parseSubjectAltName(certificate.subjectaltname);
    const id = uris[0] ?? dnsNames[0];
    if (!id) return undefined;
    const caller: Caller = {
      kind: 'service',
      id,
      uris,
      dnsNames,
      properties: new Set(this.lookup(id) ?? []),
      certificateNotAfter: new Date(certificate.valid_to),
      certificateFingerprint: fingerprint,
    };
    if (this.#cache.size >= this.maxEntries) this.#cache.clear();
    this.#cache.set(fingerprint, caller);
    return caller;
  }
}
