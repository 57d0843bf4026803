import { createHash, randomBytes } from 'node:crypto';

/**
 * `size` random bytes as a stream of `chunkSize` pieces, hashed as they are produced, so a large
 * body is never held whole. `sha256()` is valid once the stream was read to its end.
 */
export function randomBody(size: number, chunkSize = 64 * 1024): { chunks: AsyncIterable<Buffer>; sha256(): string } {
  const hash = createHash('sha256');
  // One random block reused (shifted per chunk) keeps 100 MB+ bodies cheap to produce.
  const block = randomBytes(chunkSize + 251);
  async function* chunks() {
    for (let at = 0, n = 0; at < size; at += chunkSize, n++) {
      const offset = n % 251;
      const chunk = block.subarray(offset, offset + Math.min(chunkSize, size - at));
      hash.update(chunk);
      yield chunk;
    }
  }
  let digest: string | undefined;
  return { chunks: chunks(), sha256: () => (digest ??= hash.digest('hex')) };
}

export function sha256(bytes: Buffer | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Reads a stream to its end, keeping only its size and SHA-256. */
export async function digestOf(stream: AsyncIterable<Buffer>): Promise<{ size: number; sha256: string }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of stream) {
    hash.update(chunk);
    size += chunk.length;
  }
  return { size, sha256: hash.digest('hex') };
}

/** Reads a (small) stream into one Buffer. */
export async function bytesOf(stream: AsyncIterable<Buffer>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return Buffer.concat(chunks);
}
