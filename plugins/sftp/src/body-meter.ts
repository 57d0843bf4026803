import { createHash } from 'node:crypto';
import { SftpStoreError } from './errors';

/**
 * Passes a body through while counting and hashing it in the same pass, refusing it the moment
 * it grows past `maxBytes` and stopping when `signal` aborts. `result()` is valid once the body
 * has been read to its end. (The SDK will ship the same helper; this one goes when it does.)
 */
export class BodyMeter {
  private readonly hash = createHash('sha256');
  private bytes = 0;
  private ended = false;
  /** What the body itself threw, as opposed to the limit, the signal or the sink. */
  sourceError: unknown = undefined;
  private readonly maxBytes: number;
  private readonly signal?: AbortSignal;

  constructor(options: { maxBytes: number; signal?: AbortSignal }) {
    if (!(options.maxBytes >= 0)) throw new SftpStoreError('ERR_INVALID_ARGUMENT', `maxBytes must be ≥ 0`);
    this.maxBytes = options.maxBytes;
    this.signal = options.signal;
  }

  async *pass(body: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): AsyncGenerator<Buffer> {
    this.signal?.throwIfAborted();
    for await (const chunk of this.watch(body)) {
      this.signal?.throwIfAborted();
      const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      this.bytes += buffer.length;
      if (this.bytes > this.maxBytes) {
        throw new SftpStoreError('ERR_TOO_LARGE', `the body is larger than the limit of ${this.maxBytes} bytes`);
      }
      this.hash.update(buffer);
      if (buffer.length > 0) yield buffer;
    }
    this.signal?.throwIfAborted();
    this.ended = true;
  }

  private async *watch(body: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): AsyncGenerator<Uint8Array> {
    try {
      yield* body;
    } catch (error) {
      this.sourceError = error;
      throw error;
    }
  }

  result(): { size: number; sha256: string } {
    if (!this.ended) throw new Error('BodyMeter.result() before the body ended');
    return { size: this.bytes, sha256: this.hash.digest('hex') };
  }
}
