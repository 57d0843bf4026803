import { randomBytes } from 'node:crypto';
import { SecretCipher, SecretUnreadableError } from './secret-cipher';

const key = (id: string) => ({ id, key: randomBytes(32) });
const secret = 'whsec_the-endpoint-secret-0123456789';
const row = 'webhook_endpoints:0196a3c1-0000-7000-8000-000000000001';

const reasonOf = (fn: () => unknown): string => {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(SecretUnreadableError);
    return (error as SecretUnreadableError).reason;
  }
  throw new Error('expected the value not to open');
};

/** `stored` with one byte of its `index`th part (0: v1, 1: kid, 2: iv, 3: tag, 4: ciphertext) flipped. */
function flipByteOf(stored: string, index: number): string {
  const parts = stored.split(':');
  const bytes = Buffer.from(parts[index], 'base64');
  bytes[0] ^= 0x01;
  parts[index] = bytes.toString('base64');
  return parts.join(':');
}

describe('SecretCipher', () => {
  const k1 = key('k1');
  const cipher = new SecretCipher([k1]);

  it('round-trips a secret through a versioned value naming its key, without the plain text in it', () => {
    const stored = cipher.seal(secret, row);
    expect(stored).toMatch(/^v1:k1:[A-Za-z0-9+/]{16}:[A-Za-z0-9+/]{22}==:[A-Za-z0-9+/=]+$/);
    expect(stored).not.toContain(secret);
    expect(stored).not.toContain(Buffer.from(secret).toString('base64').slice(0, 12));
    expect(cipher.open(stored, row)).toBe(secret);
  });

  it('draws a fresh IV for every value, so equal secrets are stored differently', () => {
    const [a, b] = [cipher.seal(secret, row), cipher.seal(secret, row)];
    expect(a).not.toBe(b);
    expect(a.split(':')[2]).not.toBe(b.split(':')[2]);
    expect([cipher.open(a, row), cipher.open(b, row)]).toEqual([secret, secret]);
  });

  it('refuses to open with a wrong key under the same id', () => {
    const other = new SecretCipher([{ id: 'k1', key: randomBytes(32) }]);
    expect(reasonOf(() => other.open(cipher.seal(secret, row), row))).toMatch(/^failed authentication under key "k1"/);
  });

  it('refuses a value whose tag, ciphertext or IV was tampered with', () => {
    const stored = cipher.seal(secret, row);
    for (const part of [3, 4, 2])
      expect(reasonOf(() => cipher.open(flipByteOf(stored, part), row))).toMatch(/failed authentication/);
  });

  it('refuses a truncated tag rather than checking fewer bytes', () => {
    const parts = cipher.seal(secret, row).split(':');
    parts[3] = Buffer.from(parts[3], 'base64').subarray(0, 4).toString('base64');
    expect(reasonOf(() => cipher.open(parts.join(':'), row))).toBe('has an IV or tag of the wrong length');
  });

  it('refuses a value copied from another record (the context is authenticated)', () => {
    const stored = cipher.seal(secret, row);
    expect(reasonOf(() => cipher.open(stored, 'webhook_endpoints:0196a3c1-0000-7000-8000-000000000002'))).toMatch(
      /failed authentication/,
    );
  });

  it('names a key id it does not have, and a value that is not in the format', () => {
    const stranger = new SecretCipher([key('gone')]).seal(secret, row);
    expect(reasonOf(() => cipher.open(stranger, row))).toBe('was encrypted with key "gone", which is not configured');
    expect(reasonOf(() => cipher.open('v1:k1:only-three', row))).toBe(
      'is not in the v1:<key id>:<iv>:<tag>:<ciphertext> format',
    );
  });

  it('opens values of an older key listed after the current one, and seals under the first', () => {
    const old = cipher.seal(secret, row);
    const rotated = new SecretCipher([key('k2'), k1]);
    expect(rotated.open(old, row)).toBe(secret);
    expect(rotated.isStale(old)).toBe(true);
    const resealed = rotated.seal(rotated.open(old, row), row);
    expect(resealed).toMatch(/^v1:k2:/);
    expect(rotated.isStale(resealed)).toBe(false);
    expect(rotated.currentPrefix).toBe('v1:k2:');
  });

  it('reads legacy plain text as it is, and counts it as stale', () => {
    expect(cipher.open(secret, row)).toBe(secret);
    expect(cipher.isStale(secret)).toBe(true);
    // Plain text that itself starts like a versioned value is kept escaped by the migration.
    expect(cipher.open('v0:v1:my-own-secret-of-enough-length', row)).toBe('v1:my-own-secret-of-enough-length');
    expect(cipher.open('v0:v0:x', row)).toBe('v0:x');
    expect(cipher.isStale('v0:v1:my-own-secret-of-enough-length')).toBe(true);
  });

  it('never puts the secret or the key into its reasons', () => {
    const stored = cipher.seal(secret, row);
    const reason = reasonOf(() => new SecretCipher([{ id: 'k1', key: randomBytes(32) }]).open(stored, row));
    expect(reason).not.toContain(secret);
    expect(reason).not.toContain(k1.key.toString('base64'));
  });
});
