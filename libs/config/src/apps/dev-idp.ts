import { z } from 'zod';
import { duration } from '../duration.js';
import { hostPort } from '../host-port.js';
import { httpUrl, nonEmpty } from '../scalars.js';
import { secret } from '../secret-schema.js';

const accountSchema = z.strictObject({
  login: nonEmpty,
  // Published demo passwords, but typed as secrets so the habit (and the logs) stay clean.
  password: secret,
  sub: nonEmpty,
  name: nonEmpty.optional(),
  email: nonEmpty.optional(),
  /** Emitted as `wlcg.groups` / `groups`. */
  groups: z.array(nonEmpty).default([]),
  /** Emitted as `eduperson_entitlement`, as EGI Check-In does. */
  entitlements: z.array(nonEmpty).default([]),
});

/** The development OpenID Provider: never run in production. */
export const devIdpConfigSchema = z
  .strictObject({
    http: hostPort,
    issuer: httpUrl,
    accounts: z.array(accountSchema).default([]),
    /** Token lifetimes, so tests and demos can watch tokens expire. */
    ttl: z
      .strictObject({ accessToken: duration.optional(), idToken: duration.optional(), refreshToken: duration.optional(), deviceCode: duration.optional() })
      .optional(),
  })
  .superRefine((idp, ctx) => {
    for (const key of ['login', 'sub'] as const) {
      const seen = new Set<string>();
      idp.accounts.forEach((account, i) => {
        if (seen.has(account[key])) {
          ctx.addIssue({ code: 'custom', path: ['accounts', i, key], message: `duplicate ${key} ${JSON.stringify(account[key])}` });
        }
        seen.add(account[key]);
      });
    }
  });

export type DevIdpAccount = z.output<typeof accountSchema>;
export type DevIdpConfig = z.output<typeof devIdpConfigSchema>;
