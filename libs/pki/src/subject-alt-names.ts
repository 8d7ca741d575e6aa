import { isIP } from 'node:net';
import type { JsonGeneralName } from '@peculiar/x509';
import type { IssueOptions } from './types.js';

/** The SAN entries for a leaf, validated here so a typo fails at issuance rather than at handshake. */
export function subjectAltNames(options: Pick<IssueOptions, 'uris' | 'dnsNames' | 'ipAddresses'>): JsonGeneralName[] {
  return [
    ...(options.uris ?? []).map((value): JsonGeneralName => ({ type: 'url', value: checkUri(value) })),
    ...(options.dnsNames ?? []).map((value): JsonGeneralName => ({ type: 'dns', value: checkDnsName(value) })),
    ...(options.ipAddresses ?? []).map((value): JsonGeneralName => ({ type: 'ip', value: normalizeIp(value) })),
  ];
}

function checkUri(uri: string): string {
  if (!URL.canParse(uri)) throw new TypeError(`not an absolute URI: ${JSON.stringify(uri)}`);
  return uri;
}

// Letters, digits, hyphens, dots and a leading `*.` wildcard label: what TLS hostname checks match.
const DNS_NAME = /^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i;

function checkDnsName(name: string): string {
  if (name.length > 253 || !DNS_NAME.test(name)) throw new TypeError(`not a DNS name: ${JSON.stringify(name)}`);
  return name;
}

/**
 * @peculiar/x509 parses IP strings loosely: an IPv4-mapped IPv6 address such as `::ffff:10.0.0.1`
 * is silently encoded as the wrong bytes. The WHATWG URL parser rewrites every IPv6 literal into
 * plain hex groups (and rejects zone IDs, which have no place in a certificate), which the
 * library then handles correctly.
 */
function normalizeIp(ip: string): string {
  const version = isIP(ip);
  if (version === 4) return new URL(`http://${ip}/`).hostname;
  if (version === 6 && !ip.includes('%')) return new URL(`http://[${ip}]/`).hostname.slice(1, -1);
  throw new TypeError(`not an IP address: ${JSON.stringify(ip)}`);
}
