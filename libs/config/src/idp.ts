import { z } from 'zod';
import { quote } from './config-error.js';
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

/**
 * AARC-G002 §3's `urn:<NID>:<DELEGATED-NAMESPACE>[:<SUBNAMESPACE>…]`: an RFC 8141 NID, then
 * segments of RFC 3986 pchar without percent-encoding (no namespace in use needs it).
 */
const URN_NAMESPACE = /^urn:[A-Za-z0-9][A-Za-z0-9-]{0,30}[A-Za-z0-9](:[A-Za-z0-9._~!$&'()*+,;=@-]+)+$/i;

/** The first `group` after the delegated namespace ends a namespace, so none can contain one. */
const entitlementNamespace = z.string().refine((s) => URN_NAMESPACE.test(s) && !s.split(':').slice(3).some((seg) => seg.toLowerCase() === 'group'), {
  error: (iss) => `expected an entitlement namespace like "urn:mace:egi.eu" (the part before ":group:"), got ${quote(iss.input)}`,
});

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
    /** For `checkin`: the entitlement authorities (after `#`, e.g. aai.egi.eu) whose groups are
     * accepted; entitlements from any other authority are ignored. Unset: any. */
    entitlementAuthorities: z.array(nonEmpty).min(1).optional(),
    /** For `checkin`, required: the namespaces (everything before `:group:`, e.g. `urn:mace:egi.eu`)
     * whose group entitlements are accepted; any other namespace's are rejected and counted. The
     * namespace does not appear in the group path, so without this any IdP upstream of Check-In
     * could name a group (`urn:mace:evil.org:group:dirac:admin` would be "/dirac/admin"). Compared
     * as RFC 8141 §3.1 compares URNs: `urn:` and the NID case-insensitively, the rest exactly; the
     * entitlement must name the namespace itself, not a subnamespace of it. No default: which
     * namespaces an IdP may speak for is a trust decision the operator makes. Other types: not
     * allowed. */
    entitlementNamespaces: z.array(entitlementNamespace).min(1).optional(),
    /** Per HTTP call to this IdP. */
    timeout: duration.default(5000),
    /** Calls that are safe to repeat (discovery, revocation, client credentials) are retried this
     * many times with exponential backoff; a refresh, which may rotate the token, never is. */
    retries: z.number().int().min(0).max(5).default(2),
    /** Consecutive failures (unreachable, timeout, 5xx) that open the circuit breaker, and how long
     * it stays open before one probe call is let through. */
    breaker: z
      .strictObject({ failureThreshold: z.number().int().min(1).default(5), openFor: duration.default(30_000) })
      .default({ failureThreshold: 5, openFor: 30_000 }),
    /** How long a discovery document is used before it is fetched again. */
    discoveryTtl: duration.default(3_600_000),
    /** Display name for the IdP chooser on the verification page. */
    displayName: nonEmpty.optional(),
  })
  .superRefine((idp, ctx) => {
    if (idp.type === 'checkin' && idp.entitlementNamespaces === undefined) {
      ctx.addIssue({ code: 'custom', path: ['entitlementNamespaces'], message: 'required for type checkin: the entitlement namespaces whose groups are trusted, e.g. [urn:mace:egi.eu]' });
    }
    if (idp.type !== 'checkin' && idp.entitlementNamespaces !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['entitlementNamespaces'], message: `only for type checkin, not ${idp.type}` });
    }
  })
  .transform((idp) => ({ ...idp, groupsClaim: idp.groupsClaim ?? DEFAULT_GROUPS_CLAIM[idp.type] }));

export type IdpConfig = z.output<typeof idpSchema>;
