import type { ByteRange } from './contract';
import { ProviderError, ProviderErrorCode } from './errors';

/**
 * The part of `range` an object of `size` bytes can give: the end is clamped to the last byte; a
 * start at or past the size is ERR_RANGE_NOT_SATISFIABLE; a negative or fractional bound, or a
 * start past the end, is ERR_INVALID_ARGUMENT. Without a range, the whole object (undefined).
 * An empty object has no satisfiable range at all.
 */
export function clampRange(range: ByteRange | undefined, size: number): ByteRange | undefined {
  if (range === undefined) return undefined;
  const { start, end } = range;
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || end < start) {
    throw new ProviderError(ProviderErrorCode.InvalidArgument, `Invalid byte range ${start}-${end}.`);
  }
  if (start >= size) {
    throw new ProviderError(
      ProviderErrorCode.RangeNotSatisfiable,
      `The range starts at byte ${start}, but the object has ${size} bytes.`,
    );
  }
  return { start, end: Math.min(end, size - 1) };
}

/** How many bytes a (clamped) range covers; the whole size without one. */
export function rangeLength(range: ByteRange | undefined, size: number): number {
  return range === undefined ? size : range.end - range.start + 1;
}

/** An HTTP `Range` header value for an inclusive range (`bytes=0-99`), for providers behind HTTP APIs. */
export function httpRangeHeader(range: ByteRange): string {
  return `bytes=${range.start}-${range.end}`;
}
