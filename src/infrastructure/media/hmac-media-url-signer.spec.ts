import { randomBytes } from 'node:crypto';
import { MediaUrlClaims, SignedMediaUrl } from '../../application/media';
import { HmacMediaUrlSigner } from './hmac-media-url-signer';

const key = (id: string) => ({ id, key: randomBytes(32) });
const NOW = new Date('2026-05-01T12:00:00Z');
const inSeconds = (s: number) => Math.floor(NOW.getTime() / 1000) + s;

const claims: MediaUrlClaims = {
  fileId: '0196f000-0000-7000-8000-000000000001',
  fileVersion: 3,
  userId: 'alice',
  scope: 'owner',
  variant: 'content',
  disposition: 'inline',
  expiresAt: inSeconds(3600),
};

describe('HmacMediaUrlSigner', () => {
  const current = key('k2');
  const previous = key('k1');
  const signer = new HmacMediaUrlSigner([current, previous]);

  it('signs with the first key, and what it signed checks out until it expires', () => {
    const url = signer.sign(claims);
    expect(url.keyId).toBe('k2');
    expect(url.signature).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(signer.check(url, NOW)).toBe('valid');
    expect(signer.check(url, new Date(claims.expiresAt * 1000 - 1))).toBe('valid');
    expect(signer.check(url, new Date(claims.expiresAt * 1000))).toBe('expired');
  });

  const tampered: [string, Partial<MediaUrlClaims>][] = [
    ['file id', { fileId: '0196f000-0000-7000-8000-000000000002' }],
    ['file version', { fileVersion: 4 }],
    ['user', { userId: 'bob' }],
    ['scope', { scope: 'admin' }],
    ['variant', { variant: 'preview' }],
    ['disposition', { disposition: 'attachment' }],
    ['expiry', { expiresAt: claims.expiresAt + 1 }],
  ];
  it.each(tampered)('refuses a URL whose %s was changed', (_field, change) => {
    const url = signer.sign(claims);
    expect(signer.check({ ...url, claims: { ...claims, ...change } }, NOW)).toBe('invalid');
  });

  it('says invalid, not expired, for an altered URL past its time (nothing is told to a forger)', () => {
    const url = signer.sign(claims);
    const later = new Date(claims.expiresAt * 1000 + 1000);
    expect(signer.check({ ...url, claims: { ...claims, userId: 'mallory' } }, later)).toBe('invalid');
  });

  it('refuses a changed, shortened or re-encoded signature, and an unknown key id', () => {
    const url = signer.sign(claims);
    const flipped = Buffer.from(url.signature, 'base64url');
    flipped[0] ^= 1;
    const bad: SignedMediaUrl[] = [
      { ...url, signature: flipped.toString('base64url') },
      { ...url, signature: url.signature.slice(0, 20) },
      { ...url, signature: Buffer.from(url.signature, 'base64url').toString('base64') + '=' },
      { ...url, signature: '' },
      { ...url, keyId: 'k9' },
    ];
    for (const u of bad) expect(signer.check(u, NOW)).toBe('invalid');
  });

  it('still accepts URLs signed with an older key while that key is listed', () => {
    const before = new HmacMediaUrlSigner([previous]).sign(claims);
    expect(before.keyId).toBe('k1');
    expect(signer.check(before, NOW)).toBe('valid');
  });

  it('revokes the URLs of a key taken out of the list (rotation)', () => {
    const before = new HmacMediaUrlSigner([previous]).sign(claims);
    expect(new HmacMediaUrlSigner([current]).check(before, NOW)).toBe('invalid');
    // Same id, new material: the old URLs are just as dead.
    expect(new HmacMediaUrlSigner([{ id: 'k1', key: randomBytes(32) }]).check(before, NOW)).toBe('invalid');
  });
});
