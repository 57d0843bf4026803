import { createHash, Hash, timingSafeEqual } from 'node:crypto';
import { AppendOptions, AppendResult } from '../../../application/ports';
import { ByteBody } from '../../../domain/storage';
import { ChunkChecksumMismatchError, UploadLengthExceededError } from '../../../domain/uploads';
import { HashChain } from './hash-chain';

/** Where one append's bytes go; a staging store opens one per append. */
export interface StagingSink {
  /** Appends, in order. */
  write(chunks: Buffer[]): Promise<void>;
  /** Everything written so far becomes durable. */
  sync(): Promise<void>;
  /** Drops everything after `offset` (a refused chunk). */
  truncate(offset: number): Promise<void>;
  close(): Promise<void>;
}

export interface CheckpointPolicy {
  /** Make bytes durable (and record the offset) at least every this many bytes... */
  bytes: number;
  /** ...and at least this often while bytes keep arriving, so a slow phone loses little on a cut. */
  ms: number;
}

const BATCH_BYTES = 1024 * 1024;

/**
 * The one append loop both staging stores share: counts, hashes (the upload's running SHA-256 and
 * the chunk's own checksum) and writes while the body arrives, with one write in flight so the
 * socket keeps flowing while the disk works. Bytes count only once durable and recorded; a refused
 * chunk is cut back to the last recorded offset.
 */
export async function stagedAppend(
  uploadId: string,
  start: number,
  body: ByteBody,
  sink: StagingSink,
  options: AppendOptions,
  chain: HashChain,
  policy: CheckpointPolicy,
): Promise<AppendResult> {
  const running: Hash | undefined = chain.resume(uploadId, start);
  // This process does not have the hash at `start` (a restart, another instance, dropped residue):
  // whatever it holds for this upload describes other bytes.
  if (!running) chain.forget(uploadId);
  const checksum = options.checksum ? createHash(options.checksum.algorithm) : undefined;
  let written = 0;
  let durable = start;
  let lastSync = Date.now();
  // Two batch buffers, one filling while the other is written: memory per upload is a fixed
  // 2 MiB, and incoming chunks are copied in and let go at once instead of being held until the
  // write that carries them ends.
  // No bigger than the chunk may be, so a trickle of small PATCHes holds little.
  const batchBytes = Math.max(1, Math.min(BATCH_BYTES, options.maxBytes));
  const buffers = [Buffer.allocUnsafe(batchBytes), Buffer.allocUnsafe(batchBytes)];
  const writes: Promise<void>[] = [Promise.resolve(), Promise.resolve()];
  let current = 0;
  let fill = 0;
  let inflight: Promise<void> = Promise.resolve();

  /** Hands the filling buffer to the sink (after the writes before it) and waits until the other one is free. */
  const flushBatch = async () => {
    if (fill === 0) return;
    const data = buffers[current].subarray(0, fill);
    inflight = inflight.then(() => sink.write([data]));
    inflight.catch(() => undefined); // observed at the next await of it
    writes[current] = inflight;
    current = 1 - current;
    fill = 0;
    await writes[current].catch(() => undefined);
  };
  const take = async (chunk: Uint8Array) => {
    for (let at = 0; at < chunk.length;) {
      const n = Math.min(chunk.length - at, batchBytes - fill);
      buffers[current].set(chunk.subarray(at, at + n), fill);
      fill += n;
      at += n;
      if (fill === batchBytes) await flushBatch();
    }
  };
  // A checkpoint fsyncs and records the bytes written so far while later bytes keep arriving
  // (fsync covers what was written before it began); one at a time, its failure ends the append.
  let background: Promise<void> | undefined;
  let backgroundError: unknown;
  let checkpointedAt = start;
  const checkpoint = async () => {
    await flushBatch();
    const at = start + written;
    checkpointedAt = at;
    const hashAt = running?.copy();
    const writesBefore = inflight;
    lastSync = Date.now();
    const run = (async () => {
      await writesBefore;
      await sink.sync();
      if (at <= durable) return;
      lockLost?.throwIfAborted(); // another request may own the upload now: record nothing
      await options.onDurable(at);
      durable = at;
      if (hashAt) chain.record(uploadId, at, hashAt);
    })();
    background = run.then(
      () => undefined,
      (error: unknown) => void (backgroundError ??= error),
    );
  };
  const settleBackground = async () => {
    await background;
    // eslint-disable-next-line @typescript-eslint/only-throw-error -- rethrows what the background write rejected with
    if (backgroundError) throw backgroundError;
  };

  let interrupted: unknown;
  // One listener for the whole append: a stalled body must not keep a request that lost its lock
  // waiting, nor let it write once bytes come again. (Not Promise.race against a pending "aborted"
  // promise: every race would stay attached to it, and with it every chunk.)
  const { signal, lockLost } = options;
  let abortWaiting: ((reason: unknown) => void) | undefined;
  const onAbort = (event: Event) => abortWaiting?.((event.target as AbortSignal).reason ?? new Error('aborted'));
  signal?.addEventListener('abort', onAbort, { once: true });
  lockLost?.addEventListener('abort', onAbort, { once: true });
  const watched = signal ?? lockLost;
  try {
    const iterator = body[Symbol.asyncIterator]();
    const nextChunk = (): Promise<IteratorResult<Uint8Array>> =>
      watched
        ? new Promise((resolve, reject) => {
            abortWaiting = reject;
            iterator.next().then(resolve, reject);
          })
        : iterator.next();
    for (;;) {
      let next: IteratorResult<Uint8Array>;
      try {
        signal?.throwIfAborted();
        lockLost?.throwIfAborted();
        next = await nextChunk();
        signal?.throwIfAborted();
      } catch (error) {
        if (lockLost?.aborted) throw lockLost.reason;
        interrupted = error;
        break;
      }
      lockLost?.throwIfAborted();
      if (next.done) break;
      const chunk = next.value;
      if (written + chunk.length > options.maxBytes) throw new UploadLengthExceededError(options.maxBytes);
      written += chunk.length;
      running?.update(chunk);
      checksum?.update(chunk);
      if (fill + chunk.length < batchBytes) {
        buffers[current].set(chunk, fill); // the common case, without a promise per chunk
        fill += chunk.length;
      } else {
        await take(chunk);
      }
      /* eslint-disable-next-line @typescript-eslint/only-throw-error --
         rethrows what the background write rejected with */
      if (backgroundError) throw backgroundError;
      const due = start + written - checkpointedAt >= policy.bytes || Date.now() - lastSync >= policy.ms;
      if (!checksum && due) {
        await background; // never two checkpoints at once
        /* eslint-disable-next-line @typescript-eslint/only-throw-error --
           rethrows what the background write rejected with */
        if (backgroundError) throw backgroundError;
        await checkpoint(); // waits for the hand-over only, not for the fsync
      }
    }
    if (checksum && (interrupted || !sameDigest(checksum.digest(), options.checksum!.digest))) {
      // A checksummed chunk counts whole or not at all.
      // eslint-disable-next-line @typescript-eslint/only-throw-error -- rethrows what interrupted the read
      throw interrupted ?? new ChunkChecksumMismatchError(options.checksum!.algorithm);
    }
    await settleBackground();
    await checkpoint();
    await settleBackground();
  } catch (error) {
    await background;
    await inflight.catch(() => undefined);
    // A refused chunk is cut back to the recorded offset, but only by the lock's holder: after a
    // lost lock the bytes may be another request's (the next append truncates to the record anyway).
    if (!lockLost?.aborted) await sink.truncate(durable).catch(() => undefined);
    throw error;
  } finally {
    signal?.removeEventListener('abort', onAbort);
    lockLost?.removeEventListener('abort', onAbort);
    abortWaiting = undefined;
    await sink.close().catch(() => undefined);
  }
  if (running && durable === start + written) chain.record(uploadId, durable, running);
  return interrupted ? { offset: durable, interrupted } : { offset: durable };
}

function sameDigest(actual: Buffer, expected: Uint8Array): boolean {
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
