import type { Validity } from './types.js';

export const MINUTE_MS = 60_000;
export const DAY_MS = 24 * 60 * MINUTE_MS;
export const LEAF_LIFETIME_MS = 365 * DAY_MS;
export const CA_LIFETIME_MS = 3652 * DAY_MS; // 10 years, leap days included
// Backdating covers clocks that run a little behind the issuer's.
const BACKDATE_MS = 5 * MINUTE_MS;

/**
 * Fills in the defaults. When only a `notAfter` already in the past is given, the default window
 * ends there, so asking for an expired certificate (for tests) yields one instead of an error.
 */
export function resolveValidity(validity: Validity, lifetimeMs: number, now = Date.now()): Required<Validity> {
  const { notAfter } = validity;
  const notBefore =
    validity.notBefore ??
    (notAfter !== undefined && notAfter.getTime() < now ? new Date(notAfter.getTime() - lifetimeMs) : new Date(now - BACKDATE_MS));
  const end = notAfter ?? new Date(Math.max(now, notBefore.getTime()) + lifetimeMs);
  if (Number.isNaN(notBefore.getTime()) || Number.isNaN(end.getTime())) throw new RangeError('invalid validity date');
  if (end.getTime() <= notBefore.getTime()) {
    throw new RangeError(`notAfter (${end.toISOString()}) must be after notBefore (${notBefore.toISOString()})`);
  }
  return { notBefore, notAfter: end };
}
