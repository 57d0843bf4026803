import { createCipheriv, createHash } from 'node:crypto';

/**
 * Pseudo-random bytes addressable by offset (an AES-CTR keystream): a test can send a large file
 * piece by piece and check any slice of it later without holding the whole file.
 */
export function patternedBytes(offset: number, length: number, seed = 7): Buffer {
  const aligned = Math.floor(offset / 16) * 16;
  const iv = Buffer.alloc(16);
  iv.writeBigUInt64BE(BigInt(aligned / 16), 8);
  const cipher = createCipheriv('aes-128-ctr', Buffer.alloc(16, seed), iv);
  return cipher.update(Buffer.alloc(offset - aligned + length)).subarray(offset - aligned);
}

/** The same bytes as chunks, for streaming uploads; another seed (0–255) gives other bytes. */
export function* patternedChunks(size: number, seed = 7, chunkSize = 1024 * 1024): Generator<Buffer> {
  for (let at = 0; at < size; at += chunkSize) yield patternedBytes(at, Math.min(chunkSize, size - at), seed);
}

/** The SHA-256 (hex) of those bytes, hashed piece by piece. */
export function patternedSha256(size: number, seed = 7): string {
  const hash = createHash('sha256');
  for (const chunk of patternedChunks(size, seed)) hash.update(chunk);
  return hash.digest('hex');
}
