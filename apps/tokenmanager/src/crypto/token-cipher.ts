import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { keyProblem, type EncryptionConfig } from '@tessera/config';

const ALGORITHM = 'aes-256-gcm';
const IV_BYTES = 12; // NIST SP 800-38D §8.2: 96-bit IVs, random per encryption
const TAG_BYTES = 16;
const VERSION = 'v1';

/** A ciphertext as stored: `v1.<iv>.<ciphertext>.<tag>` (base64url), beside the key id. */
export interface Sealed {
  keyId: string;
  value: string;
}

/** Why a stored value could not be opened: its key is not in the keyring, or it was altered (or
 * moved to another row, which its associated data would not match). */
export class UndecryptableError extends Error {
  override readonly name = 'UndecryptableError';
  constructor(
    readonly keyId: string,
    reason: 'unknown key' | 'authentication failed' | 'malformed',
  ) {
    super(`a stored value cannot be decrypted (key ${keyId}: ${reason})`);
  }
}

/**
 * Encrypts TokenDB's secrets at rest with AES-256-GCM (node:crypto's own primitive). Every value
 * is bound to where it is stored by its associated data (table, row identity and column), so a
 * ciphertext copied into another user's row, or into another column, does not decrypt. New values
 * use the active key; any key of the keyring decrypts.
 */
export class TokenCipher {
  readonly activeKeyId: string;
  readonly #keys: ReadonlyMap<string, Buffer>;

  constructor(config: EncryptionConfig) {
    this.activeKeyId = config.activeKey;
    this.#keys = new Map(
      Object.entries(config.keys).map(([id, secret]) => {
        const value = secret.reveal();
        const problem = keyProblem(value);
        if (problem) throw new Error(`encryption key ${id} ${problem}`);
        return [id, Buffer.from(value, 'base64')];
      }),
    );
  }

  /** Every key id the keyring holds. */
  get keyIds(): string[] {
    return [...this.#keys.keys()];
  }

  seal(plaintext: string, associatedData: string): Sealed {
    const key = this.#keys.get(this.activeKeyId)!;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(associatedData, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const parts = [iv, body, cipher.getAuthTag()].map((b) => b.toString('base64url'));
    return { keyId: this.activeKeyId, value: [VERSION, ...parts].join('.') };
  }

  open(sealed: Sealed, associatedData: string): string {
    const key = this.#keys.get(sealed.keyId);
    if (!key) throw new UndecryptableError(sealed.keyId, 'unknown key');
    const [version, iv, body, tag, extra] = sealed.value.split('.');
    if (version !== VERSION || iv === undefined || body === undefined || tag === undefined || extra !== undefined) throw new UndecryptableError(sealed.keyId, 'malformed');
    try {
      const decipher = createDecipheriv(ALGORITHM, key, Buffer.from(iv, 'base64url'), { authTagLength: TAG_BYTES });
      decipher.setAAD(Buffer.from(associatedData, 'utf8'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
    } catch {
      throw new UndecryptableError(sealed.keyId, 'authentication failed');
    }
  }
}
