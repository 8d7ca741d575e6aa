import { createContextKey, type HandlerContext } from '@connectrpc/connect';
import type { Property } from '@tessera/config';
import { UnauthenticatedError } from '../errors.js';

/** A Tessera service, identified by its client certificate (mTLS) and given properties by the registry. */
export interface ServiceCaller {
  readonly kind: 'service';
  /** The identity: the certificate's SPIFFE URI SAN in our trust domain, else its DNS SAN. */
  readonly id: string;
  readonly uris: readonly string[];
  readonly dnsNames: readonly string[];
  /** Properties granted to this identity by the registry; empty for an unregistered identity. */
  readonly properties: ReadonlySet<Property>;
  readonly certificateNotAfter: Date;
  readonly certificateFingerprint: string;
}

/**
 * A user, identified by a Tessera access token: the bearer token of the authserver's Connect API,
 * or a user's token forwarded by a trusted service, which then acts for that user only.
 */
export interface UserCaller {
  readonly kind: 'user';
  /** The registry's user id. */
  readonly id: string;
  readonly group: string;
  readonly vo: string;
  /** The group's properties in the registry. */
  readonly properties: ReadonlySet<Property>;
  readonly scopes: readonly string[];
  /** The token's `jti` and `exp`, for logs and for rules that care how long it lives. */
  readonly tokenId: string;
  readonly expiresAt: Date;
  /** The service that forwarded the token, when the user did not call directly. */
  readonly via?: ServiceCaller;
}

/** Who is calling, as resolved at the RPC edge; rules, logs and metrics treat both kinds alike. */
export type Caller = ServiceCaller | UserCaller;

/**
 * What the transport established about the connection a call arrived on, once per connection:
 * the service its certificate names, or why the certificate names none.
 */
export type Peer = ServiceCaller | { readonly kind: 'unidentified'; readonly reason: string };

/** Set by the servers from the connection; read by the caller resolver. */
export const peerKey = createContextKey<Peer | undefined>(undefined, { description: 'verified mTLS peer' });
/** The network address of the connection's other end (`ip:port`), set by the servers. */
export const remoteAddressKey = createContextKey<string>('', { description: 'remote address of the connection' });
/** Set by the RPC edge once the caller is resolved; read by handlers through `callerOf`. */
export const callerKey = createContextKey<Caller | undefined>(undefined, { description: 'authenticated caller' });

export function callerOf(context: HandlerContext): Caller {
  const caller = context.values.get(callerKey);
  if (!caller) throw new UnauthenticatedError('the caller is not authenticated');
  return caller;
}

/** Maps a verified certificate identity to the properties the registry gives it. */
export type PropertyLookup = (identity: string) => readonly Property[] | undefined;
