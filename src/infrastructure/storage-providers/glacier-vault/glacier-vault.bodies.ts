import { createHash } from 'node:crypto';
import { ByteBody } from '../../../domain/storage';
import { TreeHash } from './tree-hash';

/**
 * Glacier refuses 0-byte archives (archives are 1 byte to 40 TiB), but an empty file is a valid
 * file: it is kept under this key, which no archive id can be (they are 138 characters), and never
 * reaches the vault. It is "restored" at once and reads as nothing.
 */
export const EMPTY = 'empty';

/**
 * Cuts a body into Buffers of `size` bytes; the last one (possibly short, or empty for an empty
 * body) says so. A full part is handed on only once a further byte arrives, so `last` is exact.
 */
export async function* parts(
  source: AsyncIterable<Uint8Array>,
  size: number,
): AsyncGenerator<{ bytes: Buffer; last: boolean }> {
  let part = Buffer.allocUnsafe(size);
  let filled = 0;
  for await (let chunk of source) {
    while (chunk.byteLength > 0) {
      if (filled === size) {
        yield { bytes: part, last: false };
        part = Buffer.allocUnsafe(size); // never reused: the previous one may still be on the wire
        filled = 0;
      }
      const take = Math.min(size - filled, chunk.byteLength);
      part.set(chunk.subarray(0, take), filled);
      filled += take;
      chunk = chunk.subarray(take);
    }
  }
  yield { bytes: part.subarray(0, filled), last: true };
}

/**
 * Yields `length` bytes after skipping `skip` (a server that answers more than the range asked),
 * fails if fewer arrive, and checks the tree hash Glacier sent for what it served.
 */
export async function* exactly(
  source: AsyncIterable<Uint8Array> & { destroy?(): void },
  skip: number,
  length: number,
  treeHash?: string,
): ByteBody {
  const tree = treeHash ? new TreeHash() : undefined;
  let position = 0;
  let sent = 0;
  try {
    for await (const chunk of source) {
      tree?.update(chunk);
      const from = Math.max(0, skip - position);
      const to = Math.min(chunk.length, skip + length - position);
      position += chunk.length;
      if (to > from) {
        sent += to - from;
        yield chunk.subarray(from, to);
      }
      if (position >= skip + length) break;
    }
    if (Number.isFinite(length) && sent < length) throw new Error(`job output ended after ${sent} of ${length} bytes`);
    // Checked only when what was served is exactly what was passed on; the hash covers the served bytes.
    if (tree && position === sent && tree.digest() !== treeHash)
      throw new Error('job output does not match the tree hash Glacier sent for it');
  } finally {
    source.destroy?.();
  }
}

/** Fallback for bodies not cut here (InitiateJob's JSON): small, so hashed whole. */
export async function smallBodyChecksums(body: unknown): Promise<[string, string]> {
  if (typeof body !== 'string' && !(body instanceof Uint8Array))
    throw new Error('glacier-vault sends only byte bodies it has hashed');
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  return [createHash('sha256').update(bytes).digest('hex'), new TreeHash().update(bytes).digest()];
}
