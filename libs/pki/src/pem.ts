import type { webcrypto } from 'node:crypto';
import { x509 } from './x509.js';

/**
 * PEM with a trailing newline: @peculiar/x509 leaves it off, and files that are concatenated
 * (CA bundles) or read by line-oriented tools need it.
 */
export function pemEncode(der: webcrypto.BufferSource, label: 'CERTIFICATE' | 'PRIVATE KEY'): string {
  return `${x509.PemConverter.encode(der, label)}\n`;
}
