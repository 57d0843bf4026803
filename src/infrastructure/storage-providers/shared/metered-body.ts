import { createHash } from 'node:crypto';
import { FileTooLargeError } from '../../../domain/files';
import { ByteBody } from '../../../domain/storage';

export interface Meter {
  /** The body as it passes: counted, hashed, and cut off past the limit. */
  body: AsyncGenerator<Uint8Array>;
  /** Valid once `body` has been read to its end. */
  result(): { size: number; sha256: string };
}

/**
 * Wraps a body so a provider hashes and counts it in the same pass it stores it: no second read,
 * nothing buffered. Throws FileTooLargeError as soon as the limit is passed, so an oversized upload
 * stops streaming at max+1 bytes instead of after the whole body.
 */
export function meter(source: ByteBody, maxBytes: number, signal?: AbortSignal): Meter {
  const hash = createHash('sha256');
  let size = 0;
  let digest: string | undefined;
  async function* body(): AsyncGenerator<Uint8Array> {
    for await (const chunk of source) {
      signal?.throwIfAborted();
      size += chunk.byteLength;
      if (size > maxBytes) throw new FileTooLargeError(maxBytes);
      hash.update(chunk);
      yield chunk;
    }
    digest = hash.digest('hex');
  }
  return {
    body: body(),
    result: () => {
      if (digest === undefined) throw new Error('The body has not been read to its end.');
      return { size, sha256: digest };
    },
  };
}
