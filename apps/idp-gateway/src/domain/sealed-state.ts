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
const KEY_BYTES = 32;
/** Far above any real state (a few hundred bytes); refuses to spend work on junk. */
const MAX_SEALED_BYTES = 16 * 1024;
const encoder = new TextEncoder();
const strictDecoder = new TextDecoder('utf-8', { fatal: true });

/**
 * Seals flow state as a compact JWE (RFC 7516 §7.1) with direct encryption under A256GCM
 * (RFC 7518 §4.5, §5.3), so the gateway can hand it to the caller and stay stateless: the caller
 * can neither read the PKCE verifier nor change anything without the open failing. The protected
 * header is the GCM additional data (RFC 7516 §5.1 step 14), so `kid` and `typ` are covered too.
 * The first key seals; every key opens, chosen by `kid`, so keys rotate without breaking flows in
 * progress.
 */
export class StateSealer {
  readonly #keys: readonly { kid: string; key: Uint8Array }[];
  readonly #now: () => number;

  constructor(keys: readonly Uint8Array[], options: { now?: () => number } = {}) {
    if (keys.length === 0) throw new Error('StateSealer needs at least one key');
    this.#keys = keys.map((key) => {
      if (key.length !== KEY_BYTES) throw new Error(`StateSealer keys must be ${KEY_BYTES} bytes`);
      return { kid: keyId(key), key: Uint8Array.from(key) };
    });
    this.#now = options.now ?? Date.now;
  }

  async seal(state: FlowState): Promise<Uint8Array> {
    const flow = asFlowState(state);
    if (!flow) throw new TypeError('cannot seal an incomplete flow state');
    const { kid, key } = this.#keys[0]!;
    // `iat` records when the flow began, for whoever has to debug an old blob.
    const payload = { ...flow, iat: this.#now() };
    const jwe = await new CompactEncrypt(encoder.encode(JSON.stringify(payload)))
      .setProtectedHeader({ alg: 'dir', enc: 'A256GCM', kid, typ: TYP })
      .encrypt(key);
    return encoder.encode(jwe);
  }

  async open(sealed: Uint8Array): Promise<FlowState> {
    const jwe = compactSerialization(sealed);
    const kid = protectedKeyId(jwe);
    const candidates = this.#keys.filter((k) => k.kid === kid);
    if (candidates.length === 0) throw new SealedStateError('unknown-key');
    let plaintext: Uint8Array | undefined;
    // Two keys share a kid only by a 32-bit hash collision; trying both costs nothing.
    for (const { key } of candidates) {
      try {
        ({ plaintext } = await compactDecrypt(jwe, key, { keyManagementAlgorithms: ['dir'], contentEncryptionAlgorithms: ['A256GCM'] }));
        break;
      } catch {
        // The tag did not verify under this key (or jose refused the header): try the next.
      }
    }
    if (!plaintext) throw new SealedStateError('tampered');
    const flow = asFlowState(parseJson(plaintext));
    if (!flow) throw new SealedStateError('malformed');
    if (flow.expiresAt <= this.#now()) throw new SealedStateError('expired');
    return flow;
  }
}

/**
 * RFC 7516 §7.1: five base64url parts; with "dir" the encrypted key is empty (RFC 7518 §4.5).
 * Each part must be canonical base64url so that no other spelling of a blob opens.
 */
function compactSerialization(sealed: Uint8Array): string {
  if (sealed.length > MAX_SEALED_BYTES) throw new SealedStateError('malformed');
  let jwe: string;
  try {
    jwe = strictDecoder.decode(sealed);
  } catch {
    throw new SealedStateError('malformed');
  }
  const parts = jwe.split('.');
  const canonical = (p: string) => /^[A-Za-z0-9_-]+$/.test(p) && Buffer.from(p, 'base64url').toString('base64url') === p;
  const [header, encryptedKey, iv, ciphertext, tag] = parts;
  if (parts.length !== 5 || encryptedKey !== '' || ![header, iv, ciphertext, tag].every((p) => p !== undefined && canonical(p))) {
    throw new SealedStateError('malformed');
  }
  return jwe;
}

function protectedKeyId(jwe: string): string {
  let header: ReturnType<typeof decodeProtectedHeader>;
  try {
    header = decodeProtectedHeader(jwe);
  } catch {
    throw new SealedStateError('malformed');
  }
  if (header.typ !== TYP || header.alg !== 'dir' || header.enc !== 'A256GCM' || typeof header.kid !== 'string') {
    throw new SealedStateError('malformed');
  }
  return header.kid;
}

function parseJson(plaintext: Uint8Array): unknown {
  try {
    return JSON.parse(strictDecoder.decode(plaintext));
  } catch {
    return undefined;
  }
}

/** The FlowState fields of `value` (and nothing else), or undefined if any is missing or mistyped. */
function asFlowState(value: unknown): FlowState | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { provider, codeVerifier, state, nonce, redirectUri, scopes, expiresAt } = value as Record<string, unknown>;
  if (!isString(provider) || !isString(codeVerifier) || !isString(state) || !isString(nonce) || !isString(redirectUri)) return undefined;
  if (!Array.isArray(scopes) || !scopes.every(isString)) return undefined;
  if (typeof expiresAt !== 'number' || !Number.isFinite(expiresAt)) return undefined;
  return { provider, codeVerifier, state, nonce, redirectUri, scopes: [...scopes], expiresAt };
}

function isString(value: unknown): value is string {
  return typeof value === 'string';
}

/** First 8 hex digits of SHA-256(key): names a key without revealing it. */
function keyId(key: Uint8Array): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 8);
}

const hkdfAsync = promisify(hkdf);
const KEY_INFO = 'tessera idp-gateway flow state v1';
const MIN_SECRET_CHARS = 32;

/**
 * A 32-byte sealing key from an operator's secret (HKDF-SHA256, RFC 5869; no salt, so every
 * replica derives the same key). The info string binds the key to this use and version.
 */
export async function deriveKey(secret: string): Promise<Uint8Array> {
  if (secret.length < MIN_SECRET_CHARS) throw new Error(`a flow-state secret must be at least ${MIN_SECRET_CHARS} characters`);
  return new Uint8Array(await hkdfAsync('sha256', secret, new Uint8Array(0), KEY_INFO, KEY_BYTES));
}
