import { z } from 'zod';
import { known, quote } from './config-error.js';
import { SERVICE_ONLY_PROPERTIES } from './properties.js';
import { nonEmpty, propertyName } from './scalars.js';

const properties = z.array(propertyName).default([]);

const voSchema = z.strictObject({
  /** The IdP that authenticates this VO's members (a key of `idps`). */
  idp: nonEmpty,
});

const groupSchema = z.strictObject({
  vo: nonEmpty,
  properties,
  /** Scopes requested from the IdP when a token is obtained for this group. */
  idpScopes: z.array(nonEmpty).default([]),
});

const userSchema = z.strictObject({
  /** The user's `sub` at each IdP, keyed by IdP name. */
  subjects: z.record(z.string(), nonEmpty),
  groups: z.array(nonEmpty).default([]),
});

/** Keyed by identity: a SPIFFE URI SAN or a DNS SAN; checked against `trustDomain` above. */
const serviceSchema = z.strictObject({ properties });

/**
 * Who is who: VOs, groups, users and service identities. References inside the registry are
 * checked here; references out of it (IdPs, the trust domain) by the whole-config schema.
 */
export const registrySchema = z
  .strictObject({
    vos: z.record(z.string(), voSchema).default({}),
    groups: z.record(z.string(), groupSchema).default({}),
    users: z.record(z.string(), userSchema).default({}),
    services: z.record(z.string(), serviceSchema).default({}),
  })
  .superRefine((registry, ctx) => {
    const vos = Object.keys(registry.vos);
    for (const [name, group] of Object.entries(registry.groups)) {
      group.properties.forEach((property, i) => {
        if (SERVICE_ONLY_PROPERTIES.includes(property)) {
          ctx.addIssue({ code: 'custom', path: ['groups', name, 'properties', i], message: `${property} is for service identities only, not for groups` });
        }
      });
      if (!Object.hasOwn(registry.vos, group.vo)) {
        ctx.addIssue({ code: 'custom', path: ['groups', name, 'vo'], message: `unknown VO ${quote(group.vo)} ${known(vos)}` });
      }
    }
    const groups = Object.keys(registry.groups);
    for (const [name, user] of Object.entries(registry.users)) {
      user.groups.forEach((group, i) => {
        if (!Object.hasOwn(registry.groups, group)) {
          ctx.addIssue({ code: 'custom', path: ['users', name, 'groups', i], message: `unknown group ${quote(group)} ${known(groups)}` });
        }
      });
    }
  });

export type RegistryConfig = z.output<typeof registrySchema>;
