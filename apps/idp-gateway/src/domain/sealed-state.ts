import { createHash, hkdf } from 'node:crypto';
import { promisify } from 'node:util';
import { CompactEncrypt, compactDecrypt, decodeProtectedHeader } from 'jose';

/** What must survive between BeginAuthorization and CompleteAuthorization. */
export interface FlowState {
  provider: string;
  codeVerifier: string;
  state: string;
  nonce: string;
  redirectUri: string;
  scopes: string[];
  /** Epoch milliseconds. */
  expiresAt: number;
}

export type SealedStateFailure = 'malformed' | 'unknown-key' | 'tampered' | 'expired';

/** Why a sealed state could not be opened. The message never contains the blob or its content. */
export class SealedStateError extends Error {
  override readonly name = 'SealedStateError';
  constructor(readonly reason: SealedStateFailure) {
    super(`sealed flow state rejected: ${reason}`);
  }
}

const TYP = 'tessera-flow+jwe';
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * Seals flow state as a compact JWE (RFC 7516) with direct A256GCM encryption, so the gateway can
 * hand it to the caller and stay stateless: the caller can neither read the PKCE verifier nor
 * alter anything without the open failing. The first key seals; every key opens, by `kid`, so
 * keys rotate without breaking flows in progress.
 */
export class StateSealer {
  readonly #keys: { kid: string; key: Uint8Array }[];
  readonly #now: () => number;

  constructor(keys: readonly Uint8Array[], options: { now?: () => number } = {}) {
    if (keys.length === 0) throw new Error('StateSealer needs at least one key');
    this.#keys = keys.map((key) => {
      if (key.length !== 32) throw new Error('StateSealer keys must be 32 bytes');
      return { kid: createHash('sha256').update(key).digest('hex').slice(0, 8), key };
    });
    this.#now = options.now ?? Date.now;
  }

  async seal(state: FlowState): Promise<Uint8Array> {
    const { kid, key } = this.#keys[0]!;
    const jwe = await new CompactEncrypt(encoder.encode(JSON.stringify(state)))
      .setProtectedHeader({ alg: 'dir', enc: 'A256GCM', kid, typ: TYP })
      .encrypt(key);
    return encoder.encode(jwe);
  }

  async open(sealed: Uint8Array): Promise<FlowState> {
    const jwe = decoder.decode(sealed);
    let kid: unknown;
    try {
      const header = decodeProtectedHeader(jwe);
      if (header.typ !== TYP || header.alg !== 'dir' || header.enc !== 'A256GCM') throw new Error('header');
      kid = header.kid;
    } catch {
      throw new SealedStateError('malformed');
    }
    const entry = this.#keys.find((k) => k.kid === kid);
    if (!entry) throw new SealedStateError('unknown-key');
    let plaintext: Uint8Array;
    try {
      ({ plaintext } = await compactDecrypt(jwe, entry.key, { keyManagementAlgorithms: ['dir'], contentEncryptionAlgorithms: ['A256GCM'] }));
    } catch {
      throw new SealedStateError('tampered');
    }
    const state = parseFlowState(plaintext);
    if (state.expiresAt <= this.#now()) throw new SealedStateError('expired');
    return state;
  }
}

function parseFlowState(plaintext: Uint8Array): FlowState {
  let value: unknown;
  try {
    value = JSON.parse(decoder.decode(plaintext));
  } catch {
    throw new SealedStateError('malformed');
  }
  const v = value as Record<string, unknown>;
  const strings = ['provider', 'codeVerifier', 'state', 'nonce', 'redirectUri'] as const;
  const ok =
    typeof value === 'object' && value !== null &&
    strings.every((k) => typeof v[k] === 'string') &&
    Array.isArray(v.scopes) && v.scopes.every((s) => typeof s === 'string') &&
    typeof v.expiresAt === 'number';
  if (!ok) throw new SealedStateError('malformed');
  return value as FlowState;
}

const hkdfAsync = promisify(hkdf);

/** A 32-byte sealing key from an operator's secret (HKDF-SHA256, RFC 5869). */
export async function deriveKey(secret: string): Promise<Uint8Array> {
  if (secret.length < 32) throw new Error('a flow-state secret must be at least 32 characters');
  const key = await hkdfAsync('sha256', secret, new Uint8Array(0), 'tessera idp-gateway flow state v1', 32);
  return new Uint8Array(key);
}
