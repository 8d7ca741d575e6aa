import { createHash, timingSafeEqual } from 'node:crypto';
import type { GrantType, OAuthClientConfig } from '@tessera/config';
import { InvalidClient, InvalidRequest, UnauthorizedClient } from './errors.js';
import type { OAuthParameters } from './parameters.js';

/** A client of Tessera's authserver, as configured. */
export interface OAuthClient {
  readonly id: string;
  readonly type: 'public' | 'confidential';
  /** Shown to users on the confirmation page. */
  readonly displayName: string;
  readonly grantTypes: ReadonlySet<GrantType>;
  readonly redirectUris: readonly string[];
}

/** How a client authenticated at an endpoint (RFC 6749 §2.3; metadata lists the same). */
export const CLIENT_AUTH_METHODS = ['client_secret_basic', 'client_secret_post', 'none'] as const;

const sha256 = (value: string) => createHash('sha256').update(value, 'utf8').digest();

/** The configured clients and the one place they authenticate. */
export class OAuthClients {
  readonly #clients = new Map<string, { client: OAuthClient; secretHashes: Buffer[] }>();

  constructor(config: Readonly<Record<string, OAuthClientConfig>>) {
    for (const [id, c] of Object.entries(config)) {
      const client: OAuthClient = { id, type: c.type, displayName: c.displayName ?? id, grantTypes: new Set(c.grantTypes), redirectUris: c.redirectUris };
      const secretHashes = c.type === 'confidential' ? c.secretHashes.map((h) => Buffer.from(h.slice('sha256:'.length), 'base64url')) : [];
      this.#clients.set(id, { client, secretHashes });
    }
  }

  /** A client by id, for requests that carry only `client_id` (authorization, device). */
  find(id: string | undefined): OAuthClient | undefined {
    return id === undefined ? undefined : this.#clients.get(id)?.client;
  }

  /**
   * Authenticates the client of a request to the token, revocation or introspection endpoint:
   * HTTP Basic (RFC 6749 §2.3.1, its parts form-url-decoded), or `client_secret` in the body, or
   * a public client by `client_id` alone. Using two methods at once is `invalid_request`.
   */
  authenticate(authorization: string | undefined, params: OAuthParameters): OAuthClient {
    const basic = authorization === undefined ? undefined : parseBasic(authorization);
    if (basic && (params.has('client_secret') || (params.has('client_id') && params.get('client_id') !== basic.id))) {
      throw new InvalidRequest('the client authenticated in more than one way');
    }
    const id = basic?.id ?? params.get('client_id');
    const secret = basic?.secret ?? params.get('client_secret');
    if (id === undefined) throw new InvalidClient('client authentication is required');
    const entry = this.#clients.get(id);
    if (!entry) throw new InvalidClient('client authentication failed', { detail: 'unknown client' });
    if (entry.client.type === 'public') {
      if (secret !== undefined) throw new InvalidClient('client authentication failed', { detail: 'public client sent a secret' });
      return entry.client;
    }
    if (secret === undefined) throw new InvalidClient('client authentication failed', { detail: 'confidential client sent no secret' });
    const presented = sha256(secret);
    // Every hash is compared, so the time taken says nothing about which one matched.
    let matched = false;
    for (const hash of entry.secretHashes) matched = timingSafeEqual(hash, presented) || matched;
    if (!matched) throw new InvalidClient('client authentication failed', { detail: 'wrong secret' });
    return entry.client;
  }
}

/** `unauthorized_client` unless the client is registered for the grant (RFC 6749 §5.2). */
export function requireGrant(client: OAuthClient, grant: GrantType): void {
  if (!client.grantTypes.has(grant)) throw new UnauthorizedClient(`client ${client.id} may not use the ${grant} grant`);
}

function parseBasic(header: string): { id: string; secret: string } | undefined {
  if (!/^Basic\s/i.test(header)) return undefined; // another scheme: not client authentication
  const match = /^Basic ([A-Za-z0-9+/]+=*)$/i.exec(header.trim());
  if (!match) throw new InvalidClient('the Basic credentials are not base64');
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) throw new InvalidClient('the Basic credentials have no colon');
  try {
    return { id: decodeForm(decoded.slice(0, colon)), secret: decodeForm(decoded.slice(colon + 1)) };
  } catch {
    throw new InvalidClient('the Basic credentials are not form-url-encoded');
  }
}

const decodeForm = (s: string) => decodeURIComponent(s.replace(/\+/g, ' '));
