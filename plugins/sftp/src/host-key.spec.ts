import { createHash } from 'node:crypto';
import { fingerprintOf, parseHostKeySha256 } from './host-key';

const key = Buffer.from('an ssh-ed25519 public key blob');
const digest = createHash('sha256').update(key).digest();

describe('host key fingerprints', () => {
  it('reads the fingerprint in the spellings operators copy', () => {
    const base64 = digest.toString('base64');
    for (const text of [`SHA256:${base64.replace(/=$/, '')}`, base64, digest.toString('hex'), ` sha256:${base64} `]) {
      expect(parseHostKeySha256(text)).toEqual(digest);
    }
  });

  it('prints a key the way ssh-keygen -l does', () => {
    expect(fingerprintOf(key)).toBe(`SHA256:${digest.toString('base64').replace(/=$/, '')}`);
  });

  it('refuses what is not a SHA-256 fingerprint, naming the expected form', () => {
    for (const text of ['', 'SHA256:abc', 'MD5:16:27:ac:a5:76:28:2d:36:63:1b:56:4d:eb:df:a6:48', 'x'.repeat(64)]) {
      expect(() => parseHostKeySha256(text)).toThrow(
        expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT', message: expect.stringContaining('SHA256:') }),
      );
    }
  });
});
