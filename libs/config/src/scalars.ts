import { z } from 'zod';
import { quote } from './config-error.js';
import { PROPERTIES, type Property } from './properties.js';

const isProperty = (value: string): value is Property => (PROPERTIES as readonly string[]).includes(value);

/** An authorization property: one of the closed set in properties.ts. A refinement rather than
 * an enum, so that the registry's other checks still run and every problem is reported at once. */
export const propertyName = z
  .string()
  .refine(isProperty, { error: (iss) => `unknown property ${quote(iss.input)} (known: ${PROPERTIES.join(', ')})` })
  .transform((value) => value as Property);

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
