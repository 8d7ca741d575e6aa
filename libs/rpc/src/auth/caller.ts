import { createContextKey, type HandlerContext } from '@connectrpc/connect';
import { UnauthenticatedError } from '../errors.js';

/** Who is calling, as established by the transport (mTLS) and the registry. */
export interface Caller {
  readonly kind: 'service';
  /** The identity: the certificate's URI SAN (spiffe://…), else its first DNS SAN. */
  readonly id: string;
  readonly uris: readonly string[];
  readonly dnsNames: readonly string[];
  /** Properties granted to this identity by the registry; empty for an unregistered identity. */
  readonly properties: ReadonlySet<string>;
  readonly certificateNotAfter: Date;
  readonly certificateFingerprint: string;
}

export const callerKey = createContextKey<Caller | undefined>(undefined, { description: 'authenticated caller' });

export function callerOf(context: HandlerContext): Caller {
  const caller = context.values.get(callerKey);
  if (!caller) throw new UnauthenticatedError('a client certificate issued by the service CA is required');
  return caller;
}

/** Maps a verified certificate identity to the properties the registry gives it. */
export type PropertyLookup = (identity: string) => readonly string[] | undefined;
