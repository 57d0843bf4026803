import { createHash, Hash } from 'node:crypto';
import { ByteBody, ByteRange } from '../../../domain/storage';

/**
 * The running SHA-256 of each upload this process is receiving, kept at the last durable offset,
 * so the finished file's hash costs nothing extra. Node's hash state cannot be saved, so the chain
 * breaks when a chunk arrives at another instance or after a restart; the staging store then
 * reads the bytes once more at completion (measured in bench/README.md).
 */
export class HashChain {
  private readonly entries = new Map<string, { offset: number; hash: Hash }>();

  constructor(private readonly maxEntries = 10_000) {}

  /** A hash to continue from `offset`, or undefined when this process does not have that state. */
  resume(uploadId: string, offset: number): Hash | undefined {
    if (offset === 0) return createHash('sha256');
    const entry = this.entries.get(uploadId);
    return entry && entry.offset === offset ? entry.hash.copy() : undefined;
  }

  /** `hash` covers exactly the first `offset` bytes, which are durable. It must not be updated after. */
  record(uploadId: string, offset: number, hash: Hash): void {
    this.entries.delete(uploadId);
    this.entries.set(uploadId, { offset, hash });
    if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
  }

  /** SHA-256 of the first `length` bytes: from the chain when it reaches exactly there, else by reading them. */
  async digest(uploadId: string, length: number, read: (range: ByteRange) => Promise<ByteBody>): Promise<string> {
    const entry = this.entries.get(uploadId);
    if (entry && entry.offset === length) return entry.hash.copy().digest('hex');
    const hash = createHash('sha256');
    if (length > 0) for await (const chunk of await read({ start: 0, end: length - 1 })) hash.update(chunk);
    return hash.digest('hex');
  }

  forget(uploadId: string): void {
    this.entries.delete(uploadId);
  }
}
