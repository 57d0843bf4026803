import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { SecretKey } from '../config/secret-keys';

const IV_BYTES = 12;
const TAG_BYTES = 16;
const SEALED = /^v1:([A-Za-z0-9_-]{1,32}):([A-Za-z0-9+/=]+):([A-Za-z0-9+/=]+):([A-Za-z0-9+/=]*)$/;
/** Marks legacy plain text that itself starts like a versioned value (set by the migration). */
const ESCAPED_PLAIN = 'v0:';

/** A stored secret that cannot be opened; `reason` says why without revealing anything of it. */
export class SecretUnreadableError extends Error {
  constructor(readonly reason: string) {
    super(`The stored secret ${reason}.`);
    this.name = 'SecretUnreadableError';
  }
}

/**
 * Secrets at rest: AES-256-GCM under the first configured key, stored as
 * `v1:<key id>:<iv>:<tag>:<ciphertext>` (base64), with a random 96-bit IV per value. Every configured
 * key opens values, so keys rotate by putting a new one first. `context` (the owning row) is
 * authenticated with the value: a value copied to another row does not open there.
 *
 * Values written before encryption are plain text and are read as they are: anything without the
 * `v1:` prefix, and `v0:<plain>` for the few whose plain text starts with `v0:` or `v1:` itself.
 */
export class SecretCipher {
  private readonly current: SecretKey;
  private readonly keys: ReadonlyMap<string, Buffer>;

  constructor(keys: readonly SecretKey[]) {
    if (keys.length === 0) throw new Error('SecretCipher needs at least one key');
    this.current = keys[0];
    this.keys = new Map(keys.map((k) => [k.id, k.key]));
  }

  /** How every value sealed under the current key starts. */
  get currentPrefix(): string {
    return `v1:${this.current.id}:`;
  }

  seal(plaintext: string, context: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.current.key, iv, { authTagLength: TAG_BYTES }).setAAD(
      Buffer.from(context, 'utf8'),
    );
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return `${this.currentPrefix}${iv.toString('base64')}:${cipher.getAuthTag().toString('base64')}:${ciphertext.toString('base64')}`;
  }

  /**
   * The plain text; throws SecretUnreadableError for a value that is malformed, under an unknown key, or fails
   * authentication.
   */
  open(stored: string, context: string): string {
    if (stored.startsWith(ESCAPED_PLAIN)) return stored.slice(ESCAPED_PLAIN.length);
    if (!stored.startsWith('v1:')) return stored;
    const parts = SEALED.exec(stored);
    if (!parts) throw new SecretUnreadableError('is not in the v1:<key id>:<iv>:<tag>:<ciphertext> format');
    const [, keyId, iv, tag, ciphertext] = parts;
    const key = this.keys.get(keyId);
    if (!key) throw new SecretUnreadableError(`was encrypted with key "${keyId}", which is not configured`);
    const ivBytes = Buffer.from(iv, 'base64');
    const tagBytes = Buffer.from(tag, 'base64');
    if (ivBytes.length !== IV_BYTES || tagBytes.length !== TAG_BYTES)
      throw new SecretUnreadableError('has an IV or tag of the wrong length');
    try {
      // authTagLength pins the tag to 16 bytes: GCM would otherwise accept a truncated one.
      const decipher = createDecipheriv('aes-256-gcm', key, ivBytes, { authTagLength: TAG_BYTES })
        .setAAD(Buffer.from(context, 'utf8'))
        .setAuthTag(tagBytes);
      return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64')), decipher.final()]).toString('utf8');
    } catch {
      throw new SecretUnreadableError(
        `failed authentication under key "${keyId}": tampered with, copied from another record, or encrypted with another key of that id`,
      );
    }
  }

  /** Whether sealing again would change how `stored` is kept: it is plain text, or under an older key. */
  isStale(stored: string): boolean {
    return !stored.startsWith(this.currentPrefix);
  }
}
