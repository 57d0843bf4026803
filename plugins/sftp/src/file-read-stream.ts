import { Readable } from 'node:stream';
import type { SFTPWrapper } from 'ssh2';
import { channelClosed, isClosed, maxReadLength, noted } from './channel';
import { SftpStoreError } from './errors';

/**
 * Bytes `start` to `end` (inclusive; Infinity = to the end of the file) of an open file, read with
 * up to `depth` READ requests outstanding and delivered in order. The handle is closed when the
 * stream ends, fails or is destroyed.
 */
export class FileReadStream extends Readable {
  private readonly sftp: SFTPWrapper;
  private readonly handle: Buffer;
  private readonly end: number;
  private readonly depth: number;
  private readonly label: string;
  private readonly block: number;
  /** Requests in file order; the head is delivered as soon as it is complete. */
  private readonly slots: Array<{ at: number; buffer: Buffer; filled: number; done: boolean }> = [];
  private next: number;
  private reachedEof = false;
  private ended = false;
  private wanted = false;

  constructor(
    sftp: SFTPWrapper,
    handle: Buffer,
    range: { start: number; end: number },
    options: { depth: number; label: string },
  ) {
    const block = maxReadLength(sftp);
    super({ highWaterMark: block });
    this.sftp = sftp;
    this.handle = handle;
    this.next = range.start;
    this.end = range.end;
    this.depth = options.depth;
    this.label = options.label;
    this.block = block;
  }

  override _read(): void {
    this.wanted = true;
    this.deliver();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    if (isClosed(this.sftp)) return callback(error); // the handle went with the channel
    this.sftp.close(this.handle, () => callback(error));
  }

  private request(): void {
    if (this.destroyed) return; // its handle is closed, and may already be another file's
    if (isClosed(this.sftp)) {
      this.fail(channelClosed());
      return;
    }
    while (this.wanted && !this.reachedEof && this.slots.length < this.depth && this.next <= this.end) {
      const length = Math.min(this.block, this.end - this.next + 1);
      const slot = { at: this.next, buffer: Buffer.allocUnsafe(length), filled: 0, done: false };
      this.slots.push(slot);
      this.next += length;
      this.fill(slot);
    }
  }

  /** Reads into the rest of `slot`; a short read (allowed by SFTP) asks again for what is missing. */
  private fill(slot: { at: number; buffer: Buffer; filled: number; done: boolean }): void {
    const want = slot.buffer.length - slot.filled;
    if (isClosed(this.sftp)) {
      this.fail(channelClosed());
      return;
    }
    this.sftp.read(this.handle, slot.buffer, slot.filled, want, slot.at + slot.filled, (error, bytesRead) => {
      if (this.destroyed) return;
      if (error) {
        this.fail(noted(this.sftp, error));
        return;
      }
      slot.filled += bytesRead;
      if (bytesRead === 0) this.reachedEof = true;
      if (bytesRead === 0 || slot.filled === slot.buffer.length) slot.done = true;
      else this.fill(slot);
      this.deliver();
    });
  }

  private deliver(): void {
    if (this.ended) return;
    while (this.slots.length > 0 && this.slots[0].done) {
      const slot = this.slots.shift()!;
      if (slot.filled > 0) this.wanted = this.push(slot.buffer.subarray(0, slot.filled));
      // A slot short of its length met the end of the file: whatever was asked beyond it is empty.
      if (slot.filled < slot.buffer.length) return this.finish();
    }
    if (this.slots.length === 0 && (this.next > this.end || this.reachedEof)) return this.finish();
    this.request();
  }

  /** Mid-stream failures reach the consumer with the contract's code, the SFTP error as the cause. */
  private fail(error: Error): void {
    this.destroy(
      new SftpStoreError('ERR_UNAVAILABLE', `reading ${this.label} failed: ${error.message}`, { cause: error }),
    );
  }

  private finish(): void {
    this.ended = true;
    this.slots.length = 0;
    this.push(null);
  }
}
