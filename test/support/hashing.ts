import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

/** The SHA-256 (hex) of bytes held in memory, or of a string's UTF-8 bytes. */
export function sha256(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** The raw digest of `data` with any algorithm node knows (sha1, md5, sha256 …). */
export function digest(algorithm: string, data: Uint8Array): Buffer {
  return createHash(algorithm).update(data).digest();
}

/** Size and SHA-256 (hex) of a stream of bytes, hashed piece by piece (nothing held whole). */
export async function sha256OfStream(
  source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
): Promise<{ size: number; sha256: string }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const piece of source) {
    hash.update(piece);
    size += piece.byteLength;
  }
  return { size, sha256: hash.digest('hex') };
}

/** Size and SHA-256 (hex) of a file on disk, read as a stream. */
export function sha256OfFile(file: string): Promise<{ size: number; sha256: string }> {
  return sha256OfStream(createReadStream(file));
}
