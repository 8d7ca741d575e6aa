import type { Caller } from './caller.js';

/**
 * An authorization rule, declared beside each handler. It sees the caller and the decoded request
 * so that rules like "only for oneself" can be expressed; it returns undefined to allow, or the
 * reason for refusal (shown to the caller).
 */
export type Rule<Req = unknown> = (caller: Caller, request: Req) => string | undefined;

/** Any caller holding a certificate from the service CA (the transport already verified it). */
export const anyCaller: Rule = () => undefined;

/** A caller known to the registry. */
export const registeredCaller: Rule = (caller) =>
  caller.properties.size > 0 ? undefined : `identity ${caller.id} is not registered for this service`;

/** A caller with at least one of the given properties. */
export function hasAnyProperty(...properties: string[]): Rule {
  return (caller) =>
    properties.some((p) => caller.properties.has(p))
      ? undefined
      : `${caller.id} needs one of the properties ${properties.join(', ')}`;
}
