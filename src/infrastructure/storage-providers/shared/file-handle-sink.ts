import type { FileHandle } from 'node:fs/promises';
import { Writable } from 'node:stream';

/**
 * A Writable over an open FileHandle that leaves closing (and fsync) to the caller. Chunks that
 * arrive while a write is in flight are written together with one writev, so the socket keeps
 * flowing while the disk works.
 */
export function fileHandleSink(handle: FileHandle, highWaterMark = 1024 * 1024): Writable {
  return new Writable({
    highWaterMark,
    write(chunk: Buffer, _encoding, callback) {
      handle.write(chunk).then(() => callback(), callback);
    },
    writev(chunks, callback) {
      handle.writev(chunks.map((c) => c.chunk as Buffer)).then(() => callback(), callback);
    },
  });
}
