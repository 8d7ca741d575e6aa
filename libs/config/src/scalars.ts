import { z } from 'zod';
import { quote } from './config-error.js';

/** An authorization property (DIRAC's vocabulary: `FullDelegation`, `ProxyManagement`, ...). */
export const propertyName = z.string().regex(/^[A-Za-z][A-Za-z0-9]*$/, {
  error: (iss) => `expected a property name like "FullDelegation", got ${quote(iss.input)}`,
});

/** An http(s) URL: issuers, redirect URIs. Plain http is allowed because the dev stack uses it. */
export const httpUrl = z.string().refine(
  (s) => {
    try {
      const url = new URL(s);
      return url.protocol === 'https:' || url.protocol === 'http:';
    } catch {
      return false;
    }
  },
  { error: (iss) => `expected an http(s) URL, got ${quote(iss.input)}` },
);

/** A DNS name (lower-case labels); also the form of a SPIFFE trust domain. */
export const DNS_NAME = /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;

export const nonEmpty = z.string().min(1, { error: 'must not be empty' });

/** pino's level names. */
export const logLevel = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);
