import { ValidationError } from '../shared';

const HEX = /^[0-9a-f]{64}$/;
const BASE64 = /^[A-Za-z0-9+/]{43}=$/;
const BASE64URL = /^[A-Za-z0-9_-]{43}$/;

/** A SHA-256 digest, kept as lowercase hex. */
export class FileHash {
  private constructor(readonly hex: string) {}

  static sha256(hex: string): FileHash {
    const normalized = hex.trim().toLowerCase();
    if (!HEX.test(normalized)) {
      throw new ValidationError('A SHA-256 hash is 64 hexadecimal characters.', {
        code: 'invalid-sha256',
        fieldErrors: [{ field: 'sha256', message: 'must be 64 hex characters (or 44 base64)' }],
      });
    }
    return new FileHash(normalized);
  }

  /** Accepts hex, or base64/base64url of the 32 raw bytes (what `Digest`-style headers carry). */
  static parse(value: string): FileHash {
    const v = value.trim();
    if (BASE64.test(v) || BASE64URL.test(v)) return FileHash.sha256(base64ToHex(v));
    return FileHash.sha256(v);
  }

  equals(other: FileHash): boolean {
    return this.hex === other.hex;
  }
}

function base64ToHex(value: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  let bits = 0;
  let acc = 0;
  let hex = '';
  for (const ch of value.replace(/=+$/, '')) {
    let idx = alphabet.indexOf(ch);
    if (idx < 0) idx = ch === '+' || ch === '-' ? 62 : 63;
    acc = (acc << 6) | idx;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      hex += ((acc >> bits) & 0xff).toString(16).padStart(2, '0');
    }
  }
  return hex;
}
