import { isIP } from 'node:net';
import type { IncomingMessage } from 'node:http';
import type { Origin } from '../storage/model.js';

/** Where a request came from, for the confirmation page (RFC 8628 §5.4), sessions and the
 * user-code limits. */
export type OriginOf = (req: IncomingMessage) => Origin;

/**
 * The client's address is the connection's, unless that is one of `trustedProxies` (the site's
 * Ingress or load balancer): then it is the right-most address in X-Forwarded-For that is not a
 * trusted proxy. Forwarded headers from anyone else are ignored, so a client cannot choose the
 * address it is counted under.
 */
export function originResolver(trustedProxies: readonly string[]): OriginOf {
  const trusted = new Set(trustedProxies.map(normalise));
  return (req) => {
    let address = normalise(req.socket.remoteAddress ?? 'unknown');
    if (trusted.has(address)) {
      const hops = String(req.headers['x-forwarded-for'] ?? '').split(',').map((h) => normalise(h.trim())).filter((h) => isIP(h) !== 0);
      while (hops.length > 0 && trusted.has(address)) address = hops.pop()!;
    }
    return { ipAddress: address, userAgent: String(req.headers['user-agent'] ?? '').slice(0, 256) };
  };
}

/** `::ffff:10.0.0.1` is 10.0.0.1. */
const normalise = (address: string) => (address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address);

/** Who the per-source limits count: the address, or for IPv6 its /64, which one host usually
 * has whole. */
export function sourceKey(ipAddress: string): string {
  if (isIP(ipAddress) !== 6) return ipAddress;
  const [head, tail = ''] = ipAddress.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = [...left, ...Array(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right];
  return `${groups.slice(0, 4).map((g) => g.replace(/^0+(?=.)/, '')).join(':')}::/64`;
}
