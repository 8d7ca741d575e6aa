import { z } from 'zod';
import { duration } from './duration.js';
import { httpUrl, nonEmpty } from './scalars.js';
import { secret } from './secret-schema.js';

export const idpTypes = ['generic', 'iam', 'checkin'] as const;
export type IdpType = (typeof idpTypes)[number];

/**
 * Where each IdP kind puts group membership when `groupsClaim` is not set: INDIGO IAM issues
 * WLCG-profile tokens, EGI Check-In uses eduPerson entitlements, anything else a `groups` claim.
 */
const DEFAULT_GROUPS_CLAIM: Record<IdpType, string> = {
  generic: 'groups',
  iam: 'wlcg.groups',
  checkin: 'eduperson_entitlement',
};

/** An upstream OpenID Provider as the idp-gateway's confidential client sees it. */
export const idpSchema = z
  .strictObject({
    issuer: httpUrl,
    type: z.enum(idpTypes).default('generic'),
    clientId: nonEmpty,
    // Several secrets so one can be rotated at the IdP without downtime: tried in order.
    clientSecrets: z.array(secret).min(1, { error: 'must list at least one secret' }),
    scopes: z.array(nonEmpty).default(['openid', 'profile', 'email', 'offline_access']),
    groupsClaim: nonEmpty.optional(),
    timeout: duration.default(5000),
  })
  .transform((idp) => ({ ...idp, groupsClaim: idp.groupsClaim ?? DEFAULT_GROUPS_CLAIM[idp.type] }));

export type IdpConfig = z.output<typeof idpSchema>;
