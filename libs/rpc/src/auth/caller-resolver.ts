import type { Caller, Peer, ServiceCaller, UserCaller } from './caller.js';
import { PermissionDeniedError, ServiceError, UnauthenticatedError, UnavailableError } from '../errors.js';

/** What the edge knows about one call when it resolves the caller. */
export interface CallInfo {
  /** The connection's verified certificate identity; undefined on a listener without mTLS. */
  readonly peer: Peer | undefined;
  /** One request header's value (all its values comma-joined), or undefined when absent. */
  header(name: string): string | undefined;
}

/**
 * Decides who is calling, per server: a service from its certificate, a user from a bearer
 * token, or a user whose token a trusted service forwards. It throws UnauthenticatedError when
 * the call carries no identity this server accepts. Synchronous answers cost no extra tick.
 */
export interface CallerResolver {
  resolve(call: CallInfo): Caller | Promise<Caller>;
}

/**
 * Verifies a Tessera access token and says whose it is. The verification itself (jose, the
 * authserver's JWKS) comes with the authserver; this is the seam every server plugs it into.
 * A token it refuses is thrown as an UnauthenticatedError (or any error marked `rejected: true`);
 * anything else it throws means it could not verify now (a JWKS it cannot fetch, say).
 */
export interface UserTokenVerifier {
  verify(token: string): Promise<Omit<UserCaller, 'kind' | 'via'>>;
}

/** A refused token is UNAUTHENTICATED; a verifier that could not decide is UNAVAILABLE, its error
 * kept as the cause for the log. Neither passes a verifier's own words (a JWT library's) on. */
async function verified(verifier: UserTokenVerifier, token: string): Promise<Omit<UserCaller, 'kind' | 'via'>> {
  try {
    return await verifier.verify(token);
  } catch (error) {
    if (error instanceof ServiceError) throw error;
    if ((error as { rejected?: unknown } | null)?.rejected === true) throw new UnauthenticatedError('the access token is not valid');
    throw new UnavailableError('the access token cannot be verified now; retry later', undefined, { cause: error });
  }
}

/** The header a trusted service forwards a user's access token in. */
export const FORWARDED_USER_TOKEN = 'tessera-user-token';

function requireService(peer: Peer | undefined): ServiceCaller {
  if (peer === undefined) throw new UnauthenticatedError('a client certificate issued by the service CA is required');
  if (peer.kind === 'unidentified') throw new UnauthenticatedError(peer.reason);
  return peer;
}

function bearerToken(header: CallInfo['header'], name: string): string | undefined {
  const value = header(name);
  if (value === undefined) return undefined;
  const match = /^Bearer ([A-Za-z0-9\-._~+/]+=*)$/i.exec(value.trim()); // RFC 6750 §2.1 b64token
  if (!match) throw new UnauthenticatedError(`the ${name} header must be "Bearer <access token>"`);
  return match[1]!;
}

/** Internal services: the caller is the service its certificate names. */
export const servicePeers: CallerResolver = { resolve: ({ peer }) => requireService(peer) };

/**
 * A public API whose callers are users presenting a Tessera access token (RFC 6750 §2.1), such as
 * the authserver's Connect API for the CLI.
 */
export function bearerUsers(verifier: UserTokenVerifier | undefined): CallerResolver {
  return {
    async resolve({ header }) {
      const token = bearerToken(header, 'authorization');
      if (token === undefined) throw new UnauthenticatedError('a bearer access token is required: run `tessera login` first');
      if (!verifier) throw new UnauthenticatedError('this server cannot verify access tokens');
      return { kind: 'user', ...(await verified(verifier, token)) };
    },
  };
}

/**
 * Internal services that may also act for a user: the caller is the service, unless it forwards
 * a user's access token in `tessera-user-token`, in which case it must be allowed to forward and
 * the caller is that user (with `via` naming the service). A service that forwards a token it is
 * not trusted with is refused rather than served as itself.
 */
export function servicePeersActingForUsers(options: {
  verifier: UserTokenVerifier | undefined;
  mayForward: (service: ServiceCaller) => boolean;
}): CallerResolver {
  return {
    resolve({ peer, header }) {
      const service = requireService(peer);
      const token = bearerToken(header, FORWARDED_USER_TOKEN);
      if (token === undefined) return service;
      if (!options.mayForward(service)) throw new PermissionDeniedError(`${service.id} may not act for users`);
      if (!options.verifier) throw new UnauthenticatedError('this server cannot verify forwarded user tokens');
      return verified(options.verifier, token).then((user) => ({ kind: 'user', ...user, via: service }));
    },
  };
}
