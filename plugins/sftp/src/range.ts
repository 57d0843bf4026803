import { SftpStoreError } from './errors';

/** Bytes `start` to `end` inclusive, as in HTTP's Range header; no `end` means to the last byte. */
export interface ByteRange {
  start: number;
  end?: number;
}

/**
 * The bytes to send of an object of `size` bytes: `end` past the object is clamped to its last
 * byte; a `start` at or past the end cannot be served; a range that runs backwards is the
 * caller's mistake. Undefined for the whole object.
 */
export function resolveRange(range: ByteRange | undefined, size: number): { start: number; end: number } | undefined {
  if (range === undefined) return undefined;
  const { start, end } = range;
  if (!Number.isSafeInteger(start) || start < 0 || (end !== undefined && (!Number.isSafeInteger(end) || end < start))) {
    throw new SftpStoreError('ERR_INVALID_ARGUMENT', `invalid byte range ${start}-${end ?? ''}`);
  }
  if (start >= size) {
    throw new SftpStoreError('ERR_RANGE_NOT_SATISFIABLE', `range starts at ${start}, the object has ${size} bytes`);
  }
  return { start, end: Math.min(end ?? size - 1, size - 1) };
}
