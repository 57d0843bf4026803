import { createHash, Hash, timingSafeEqual } from 'node:crypto';
import { AppendOptions, AppendResult } from '../../../application/ports';
import { ByteBody } from '../../../domain/storage';
import { ChunkChecksumMismatchError, UploadLengthExceededError } from '../../../domain/upload-session';
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
  let batch: Buffer[] = [];
  let batchBytes = 0;
  let inflight: Promise<void> = Promise.resolve();

  const flushBatch = () => {
    if (batchBytes === 0) return;
    const chunks = batch;
    batch = [];
    batchBytes = 0;
    inflight = inflight.then(() => sink.write(chunks));
    inflight.catch(() => undefined); // observed at the next await of it
  };
  // A checkpoint fsyncs and records the bytes written so far while later bytes keep arriving
  // (fsync covers what was written before it began); one at a time, its failure ends the append.
  let background: Promise<void> | undefined;
  let backgroundError: unknown;
  let checkpointedAt = start;
  const checkpoint = () => {
    flushBatch();
    const at = start + written;
    checkpointedAt = at;
    const hashAt = running?.copy();
    const writesBefore = inflight;
    lastSync = Date.now();
    const run = (async () => {
      await writesBefore;
      await sink.sync();
      if (at <= durable) return;
      await options.onDurable(at);
      durable = at;
      if (hashAt) chain.record(uploadId, at, hashAt);
    })();
    background = run.then(
      () => undefined,
      (error: unknown) => void (backgroundError ??= error),
    );
    return background;
  };
  const settleBackground = async () => {
    await background;
    if (backgroundError) throw backgroundError;
  };

  let interrupted: unknown;
  try {
    const iterator = body[Symbol.asyncIterator]();
    for (;;) {
      let next: IteratorResult<Uint8Array>;
      try {
        options.signal?.throwIfAborted();
        next = await untilAborted(iterator.next(), options.signal);
      } catch (error) {
        interrupted = error;
        break;
      }
      if (next.done) break;
      const chunk = Buffer.isBuffer(next.value) ? next.value : Buffer.from(next.value.buffer, next.value.byteOffset, next.value.byteLength);
      if (written + chunk.length > options.maxBytes) throw new UploadLengthExceededError(options.maxBytes);
      written += chunk.length;
      running?.update(chunk);
      checksum?.update(chunk);
      batch.push(chunk);
      batchBytes += chunk.length;
      if (batchBytes >= BATCH_BYTES) {
        await inflight; // at most one batch written while the next one fills
        flushBatch();
      }
      if (backgroundError) throw backgroundError;
      const due = start + written - checkpointedAt >= policy.bytes || Date.now() - lastSync >= policy.ms;
      if (!checksum && due) {
        await background; // never two checkpoints at once
        if (backgroundError) throw backgroundError;
        void checkpoint();
      }
    }
    if (checksum && (interrupted || !sameDigest(checksum.digest(), options.checksum!.digest))) {
      // A checksummed chunk counts whole or not at all.
      throw interrupted ?? new ChunkChecksumMismatchError(options.checksum!.algorithm);
    }
    await settleBackground();
    await checkpoint();
    await settleBackground();
  } catch (error) {
    await background;
    await inflight.catch(() => undefined);
    await sink.truncate(durable).catch(() => undefined);
    throw error;
  } finally {
    await sink.close().catch(() => undefined);
  }
  if (running && durable === start + written) chain.record(uploadId, durable, running);
  return interrupted ? { offset: durable, interrupted } : { offset: durable };
}

/** A stalled body must not keep a request that lost its lock waiting, nor let it write later. */
function untilAborted<T>(next: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return next;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason ?? new Error('aborted'));
    signal.addEventListener('abort', onAbort, { once: true });
    next.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        if (signal.aborted) reject(signal.reason ?? new Error('aborted'));
        else resolve(value);
      },
      (error) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

function sameDigest(actual: Buffer, expected: Uint8Array): boolean {
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
