import { createHash } from 'node:crypto';
import type { ByteBody } from './contract';
import { checksumMismatch, tooLarge } from './errors';

export interface MeterOptions {
  /** More bytes than this and the body throws ERR_TOO_LARGE at byte max+1, before passing it on. */
  maxBytes: number;
  /** Hex SHA-256 the body must have: checked when it ends, ERR_CHECKSUM_MISMATCH otherwise. */
  expectedSha256?: string;
  /** Aborting stops the body at its next chunk (with the signal's reason). */
  signal?: AbortSignal;
}

export interface Meter {
  /** The body as it passes: counted, hashed, cut off past the limit, checked at its end. */
  readonly body: AsyncGenerator<Uint8Array>;
  /** Size and SHA-256 (hex); valid once `body` has been read to its end. */
  result(): { size: number; sha256: string };
}

/**
 * Wraps a body so a provider counts and hashes it in the same pass it stores it — no second read,
 * nothing buffered — and refuses an oversized or wrong body as soon as it can tell. A provider
 * streams `meter.body` into its store, and on any throw deletes what it wrote: the contract keeps
 * nothing of a refused write.
 */
export function meter(source: ByteBody, options: MeterOptions): Meter {
  const { maxBytes, signal } = options;
  const expected = options.expectedSha256?.toLowerCase();
  const hash = createHash('sha256');
  let size = 0;
  let digest: string | undefined;
  async function* body(): AsyncGenerator<Uint8Array> {
    signal?.throwIfAborted();
    for await (const chunk of source) {
      signal?.throwIfAborted();
      size += chunk.byteLength;
      if (size > maxBytes) throw tooLarge(maxBytes);
      hash.update(chunk);
      yield chunk;
    }
    const actual = hash.digest('hex');
    if (expected !== undefined && actual !== expected) throw checksumMismatch(expected, actual);
    digest = actual;
  }
  return {
    body: body(),
    result: () => {
      if (digest === undefined) throw new Error('The body has not been read to its end.');
      return { size, sha256: digest };
    },
  };
}
