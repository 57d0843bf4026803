import { createHash } from 'node:crypto';
import { SftpStoreError } from './errors';

/**
 * A host key fingerprint as operators copy it: `SHA256:<base64>` (what `ssh-keygen -lf` and
 * `ssh-keyscan | ssh-keygen -lf -` print), bare base64 with or without padding, or 64 hex digits.
 */
export function parseHostKeySha256(text: string): Buffer {
  const value = text.trim().replace(/^SHA256:/i, '');
  const digest = /^[0-9a-f]{64}$/i.test(value) ? Buffer.from(value, 'hex') : Buffer.from(value, 'base64');
  if (digest.length !== 32 || (!/^[0-9a-f]{64}$/i.test(value) && !/^[A-Za-z0-9+/]{43}=?$/.test(value))) {
    throw new SftpStoreError(
      'ERR_INVALID_ARGUMENT',
      `hostKeySha256 must be a SHA-256 fingerprint like "SHA256:<43 base64 characters>", got "${text}"`,
    );
  }
  return digest;
}

/** OpenSSH's spelling of a key's fingerprint, for messages. */
export function fingerprintOf(hostKey: Buffer): string {
  return formatSha256(createHash('sha256').update(hostKey).digest());
}

export function formatSha256(digest: Buffer): string {
  return `SHA256:${digest.toString('base64').replace(/=+$/, '')}`;
}
