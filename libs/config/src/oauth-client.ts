import { z } from 'zod';
import { httpUrl } from './scalars.js';
import { secret } from './secret-schema.js';

export const grantTypes = [
  'authorization_code',
  'refresh_token',
  'client_credentials',
  'urn:ietf:params:oauth:grant-type:device_code',
] as const;

const common = {
  grantTypes: z.array(z.enum(grantTypes)).min(1, { error: 'must list at least one grant type' }),
  redirectUris: z.array(httpUrl).default([]),
};

/** A client of Tessera's authserver (not of an upstream IdP). */
export const oauthClientSchema = z
  .discriminatedUnion(
    'type',
    [
      z.strictObject({ type: z.literal('public'), ...common }),
      z.strictObject({ type: z.literal('confidential'), secret, ...common }),
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
