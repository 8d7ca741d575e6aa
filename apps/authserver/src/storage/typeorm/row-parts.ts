import type { LoginIdentity, Origin } from '../model.js';

/** An identity is kept in five flat columns (user_id, grp, vo, provider, provider_subject); a row
 * has one when all of them are set. */
interface IdentityColumns {
  userId: string | null;
  group: string | null;
  vo: string | null;
  provider: string | null;
  providerSubject: string | null;
}

export function identityOf(row: IdentityColumns): LoginIdentity | undefined {
  const { userId, group, vo, provider, providerSubject } = row;
  if (userId === null || group === null || vo === null || provider === null || providerSubject === null) return undefined;
  return { userId, group, vo, provider, providerSubject };
}

export function identityColumns(identity: LoginIdentity): { [K in keyof IdentityColumns]: string } {
  return { userId: identity.userId, group: identity.group, vo: identity.vo, provider: identity.provider, providerSubject: identity.providerSubject };
}

const USER_AGENT_LENGTH = 256;

export function originColumns(origin: Origin): { ipAddress: string; userAgent: string } {
  return { ipAddress: origin.ipAddress, userAgent: origin.userAgent.slice(0, USER_AGENT_LENGTH) };
}

export function originOf(row: { ipAddress: string; userAgent: string }): Origin {
  return { ipAddress: row.ipAddress, userAgent: row.userAgent };
}

/** A nullable column as the domain says it: absent is undefined. */
export const orUndefined = <T>(value: T | null): T | undefined => (value === null ? undefined : value);
