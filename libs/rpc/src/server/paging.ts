import { createHash } from 'node:crypto';
import { InvalidArgumentError } from '../errors.js';

/** AIP-158: 0 is the default (50), above 1000 is clamped; negative is refused. */
export function pageSize(requested: number): number {
  if (requested < 0) throw new InvalidArgumentError('page_size must not be negative');
  return requested === 0 ? 50 : Math.min(requested, 1000);
}

/**
 * Page tokens carry the last item's key and a digest of the request's other fields, which must
 * not change between pages (AIP-158). Opaque to callers, and checked, not trusted: a token made
 * for another request is refused.
 */
export function encodePageToken(key: unknown, request: unknown): string {
  return Buffer.from(JSON.stringify({ k: key, f: digest(request) })).toString('base64url');
}

export function decodePageToken<K>(token: string, request: unknown, isKey: (key: unknown) => key is K): K | undefined {
  if (token === '') return undefined;
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { k?: unknown; f?: unknown };
    if (parsed.f === digest(request) && isKey(parsed.k)) return parsed.k;
  } catch {
    // refused below
  }
  throw new InvalidArgumentError('page_token is not one this request gave out: start again without it');
}

const digest = (request: unknown) => createHash('sha256').update(JSON.stringify(request)).digest('base64url').slice(0, 16);
