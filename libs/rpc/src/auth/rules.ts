import type { Property } from '@tessera/config';
import type { Caller } from './caller.js';

/**
 * An authorization rule, declared beside each handler. It sees the caller and the decoded request
 * so that rules like "only for oneself" can be expressed; it returns undefined to allow, or the
 * reason for refusal (shown to the caller).
 */
export type Rule<Req = unknown> = (caller: Caller, request: Req) => string | undefined;

/** Anyone the server's caller resolver accepted (for internal services: a certificate from our CA). */
export const anyCaller: Rule = () => undefined;

/** A caller known to the registry. */
export const registeredCaller: Rule = (caller) =>
  caller.properties.size > 0 ? undefined : `identity ${caller.id} is not registered for this service`;

/** A caller with at least one of the given properties. */
export function hasAnyProperty(...properties: Property[]): Rule {
  return (caller) =>
    properties.some((p) => caller.properties.has(p))
      ? undefined
      : `${caller.id} needs one of the properties ${properties.join(', ')}`;
}

/** A service (not a user, nor a service acting for one) with at least one of the given properties. */
export function serviceWithAnyProperty(...properties: Property[]): Rule {
  const hasOne = hasAnyProperty(...properties);
  return (caller, request) => (caller.kind === 'service' ? hasOne(caller, request) : `only services may call this (${caller.id} is a user)`);
}

/** Allows what any of the rules allows; refused, it gives every rule's reason. */
export function anyOf<Req>(...rules: Rule<Req>[]): Rule<Req> {
  return (caller, request) => {
    const reasons = rules.map((rule) => rule(caller, request));
    return reasons.includes(undefined) ? undefined : [...new Set(reasons)].join('; ');
  };
}

/** A user (calling directly, or through a service acting for them). */
export const userCaller: Rule = (caller) => (caller.kind === 'user' ? undefined : 'this method is for users: present a Tessera access token');
