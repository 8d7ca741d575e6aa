import { z } from 'zod';
import { httpUrl } from './scalars.js';

export const grantTypes = [
  'authorization_code',
  'refresh_token',
  'client_credentials',
  'urn:ietf:params:oauth:grant-type:device_code',
  'urn:ietf:params:oauth:grant-type:token-exchange',
] as const;

export type GrantType = (typeof grantTypes)[number];

/**
 * A client secret as the authserver keeps it: `sha256:` and the base64url SHA-256 of the secret
 * (`npm run client-secret` makes a secret and its hash). Only the hash is configured, so the
 * configuration and the running server hold nothing a client could present. A fast hash is
 * enough because the secrets are 256-bit random values, not passwords.
 */
export const clientSecretHash = z
  .string()
  .regex(/^sha256:[A-Za-z0-9_-]{43}$/, { error: 'expected "sha256:" and 43 base64url characters (npm run client-secret)' });

const common = {
  grantTypes: z.array(z.enum(grantTypes)).min(1, { error: 'must list at least one grant type' }),
  redirectUris: z.array(httpUrl).default([]),
  /** Shown on the confirmation page ("<name> asks to act for you"); the client id when absent. */
  displayName: z.string().min(1).max(80).optional(),
};

/** A client of Tessera's authserver (not of an upstream IdP). */
export const oauthClientSchema = z
  .discriminatedUnion(
    'type',
    [
      z.strictObject({ type: z.literal('public'), ...common }),
      // Several hashes so a new secret can be rolled out before the old one is removed.
      z.strictObject({ type: z.literal('confidential'), secretHashes: z.array(clientSecretHash).min(1, { error: 'must list at least one secret hash' }), ...common }),
    ],
    { error: 'expected type "public" or "confidential"' },
  )
  .superRefine((client, ctx) => {
    // RFC 6749 §4.4: the client credentials grant is for confidential clients only.
    if (client.type === 'public' && client.grantTypes.includes('client_credentials')) {
      ctx.addIssue({ code: 'custom', path: ['grantTypes'], message: 'client_credentials needs a confidential client' });
    }
    // RFC 6749 §3.1.2.2 / RFC 9700 §2.1: redirect URIs are registered, never taken on trust.
    if (client.grantTypes.includes('authorization_code') && client.redirectUris.length === 0) {
      ctx.addIssue({ code: 'custom', path: ['redirectUris'], message: 'authorization_code needs at least one redirect URI' });
    }
  });

export type OAuthClientConfig = z.output<typeof oauthClientSchema>;
