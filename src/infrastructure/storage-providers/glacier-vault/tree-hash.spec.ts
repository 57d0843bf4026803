import { createCipheriv, createHash } from 'node:crypto';
import { combineTreeHash, TreeHash, TREE_HASH_LEAF } from './tree-hash';

const MiB = TREE_HASH_LEAF;
const sha = (...parts: Buffer[]) => parts.reduce((h, p) => h.update(p), createHash('sha256')).digest();

/** Deterministic pseudo-random bytes (AES-CTR keystream): every MiB differs, so a swapped leaf shows. */
function data(size: number): Buffer {
  return createCipheriv('aes-128-ctr', Buffer.alloc(16, 7), Buffer.alloc(16)).update(Buffer.alloc(size));
}

function treeHashInPieces(bytes: Buffer, piece: number): string {
  const tree = new TreeHash();
  for (let i = 0; i < bytes.length; i += piece) tree.update(bytes.subarray(i, i + piece));
  return tree.digest();
}

describe('SHA-256 tree hash', () => {
  it.each([0, 1, 1000, MiB - 1, MiB])('equals the plain SHA-256 for %i bytes (one leaf at most)', (size) => {
    const bytes = data(size);
    expect(new TreeHash().update(bytes).digest()).toBe(sha(bytes).toString('hex'));
  });

  it('combines three 1 MiB leaves as H(H(h0 h1) h2): the odd last leaf is carried up', () => {
    const bytes = data(3 * MiB);
    const [h0, h1, h2] = [0, 1, 2].map((i) => sha(bytes.subarray(i * MiB, (i + 1) * MiB)));
    expect(new TreeHash().update(bytes).digest()).toBe(sha(sha(h0, h1), h2).toString('hex'));
  });

  it('hashes a partial last leaf on its own: 2 MiB + 5 bytes is H(H(h0 h1) h2)', () => {
    const bytes = data(2 * MiB + 5);
    const [h0, h1, h2] = [0, 1, 2].map((i) => sha(bytes.subarray(i * MiB, Math.min((i + 1) * MiB, bytes.length))));
    expect(new TreeHash().update(bytes).digest()).toBe(sha(sha(h0, h1), h2).toString('hex'));
  });

  it('builds five leaves as H(H(H(h0 h1) H(h2 h3)) h4)', () => {
    const h = [0, 1, 2, 3, 4].map((i) => sha(Buffer.from([i])));
    expect(combineTreeHash(h)).toEqual(sha(sha(sha(h[0], h[1]), sha(h[2], h[3])), h[4]));
  });

  it('gives the same hash however the stream is cut', () => {
    const bytes = data(3 * MiB + 17);
    const whole = new TreeHash().update(bytes).digest();
    for (const piece of [1 << 10, 65_537, MiB - 1, MiB, MiB + 1, 5 * MiB])
      expect(treeHashInPieces(bytes, piece)).toBe(whole);
  });

  it('keeps one 32-byte hash per MiB, never the bytes', () => {
    const tree = new TreeHash().update(data(4 * MiB + 1));
    expect(tree.leaves().map((l) => l.length)).toEqual([32, 32, 32, 32, 32]);
  });
});
