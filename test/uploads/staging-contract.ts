import { createHash, randomUUID } from 'node:crypto';
import { AppendOptions, AppendResult, ChecksumAlgorithm, UploadStaging } from '../../src/application/ports';
import { DomainError } from '../../src/domain/shared';
import { ByteBody } from '../../src/domain/storage';
import { ChunkChecksumMismatchError, UploadLengthExceededError } from '../../src/domain/uploads';
import { CheckpointPolicy } from '../../src/infrastructure/uploads/staging/staged-append';
import { StagedBytesMissingError } from '../../src/infrastructure/uploads/staging/staged-bytes-missing.error';
import { body, bytes, collect } from '../storage-providers/provider-contract';
import { digest, sha256 } from '../support/hashing';
import { memoryProbe } from '../support/memory-probe';

/** Real staging stores over one shared place (a directory, a database). */
export interface StagingHarness {
  /**
   * A new store instance over the shared place. Each call is as another process (after a restart,
   * or another API instance): it has no running hash of its own.
   */
  open(policy: CheckpointPolicy): Promise<UploadStaging>;
  /** Closes every instance opened and removes the shared place. */
  close(): Promise<void>;
}

export interface StagingContractOptions {
  /** Size of the streamed flat-memory case; 0 leaves it out. */
  largeBodyBytes?: number;
}

const KiB = 1024;
const MiB = 1024 * KiB;
/** Checkpoints every 64 KiB; never by time (so the offsets reported are deterministic). */
const SMALL_CHECKPOINTS: CheckpointPolicy = { bytes: 64 * KiB, ms: 3_600_000 };
const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

/** Bytes as a body of `piece`-sized chunks (views into `data`, not copies). */
export async function* chunksOf(data: Buffer, piece = 16 * KiB): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < data.length; at += piece) yield data.subarray(at, Math.min(data.length, at + piece));
}

/** A body that sends `data` and then fails, as a request whose client went away. */
export async function* brokenOff(data: Buffer, failure: Error, piece = 10_000): AsyncGenerator<Uint8Array> {
  yield* chunksOf(data, piece);
  throw failure;
}

/** onDurable that records every offset, as the caller's record of the upload. */
function recorder(fail?: (offset: number, call: number) => Error | undefined) {
  const offsets: number[] = [];
  return {
    offsets,
    /** The caller's truth: the last offset it recorded. */
    recorded: (start: number) => offsets.at(-1) ?? start,
    onDurable: async (offset: number) => {
      const error = fail?.(offset, offsets.length + 1);
      if (error) throw error;
      offsets.push(offset);
    },
  };
}

function options(onDurable: AppendOptions['onDurable'], extra: Partial<AppendOptions> = {}): AppendOptions {
  return { maxBytes: Number.MAX_SAFE_INTEGER, onDurable, ...extra };
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

/**
 * The UploadStaging port as a specification: both built-in stores (and any other) must pass it
 * against a real instance. Every case reads the staged bytes back: through the store that wrote
 * them and through a fresh instance that has no running hash, as after a restart.
 */
export function describeUploadStagingContract(
  name: string,
  start: () => Promise<StagingHarness>,
  contractOptions: StagingContractOptions = {},
): void {
  describe(`UploadStaging contract: ${name}`, () => {
    let harness: StagingHarness;
    /** Checkpoints every 64 KiB. */
    let staging: UploadStaging;
    /** Another instance over the same place: reads there prove what is really staged. */
    let other: UploadStaging;
    /** An instance that never appends, so it never has a running hash: its sha256 reads the bytes. */
    let hashless: UploadStaging;

    beforeAll(async () => {
      harness = await start();
      staging = await harness.open(SMALL_CHECKPOINTS);
      other = await harness.open(SMALL_CHECKPOINTS);
      hashless = await harness.open(SMALL_CHECKPOINTS);
    });
    afterAll(() => harness?.close());

    async function readAll(store: UploadStaging, id: string, length: number): Promise<Buffer> {
      return length === 0 ? Buffer.alloc(0) : collect(await store.read(id, { start: 0, end: length - 1 }));
    }

    /** The store holds exactly `expected`: no byte more, no byte less, whoever reads. */
    async function expectStaged(id: string, expected: Buffer): Promise<void> {
      for (const store of [staging, other]) {
        expect((await readAll(store, id, expected.length)).equals(expected)).toBe(true);
        await expect(store.read(id, { start: 0, end: expected.length })).rejects.toBeInstanceOf(
          StagedBytesMissingError,
        );
      }
      expect(await hashless.sha256(id, expected.length)).toBe(sha256(expected));
    }

    /** Stages `data` for a new upload in one append, checkpointed by `store`'s policy. */
    async function staged(data: Buffer, store = staging): Promise<string> {
      const id = randomUUID();
      const result = await store.append(
        id,
        0,
        chunksOf(data),
        options(async () => undefined),
      );
      expect(result).toEqual({ offset: data.length });
      return id;
    }

    describe('appending and reading back', () => {
      it('appends at the offsets each append returns; read() returns exactly the concatenation', async () => {
        const id = randomUUID();
        const all = bytes('concatenation', 0, 333_333);
        const cuts = [0, 70_001, 200_000, 333_333];
        let offset = 0;
        for (let i = 0; i + 1 < cuts.length; i++) {
          const result = await staging.append(
            id,
            offset,
            chunksOf(all.subarray(cuts[i], cuts[i + 1]), 12_345),
            options(async () => undefined),
          );
          expect(result).toEqual({ offset: cuts[i + 1] });
          offset = result.offset;
        }
        expect((await collect(await staging.read(id))).equals(all)).toBe(true);
        expect((await collect(await other.read(id))).equals(all)).toBe(true);
        await expectStaged(id, all);
      });

      it('reads any range byte for byte, across checkpoint and append boundaries', async () => {
        const id = randomUUID();
        const all = bytes('ranges', 0, 300_000);
        await staging.append(
          id,
          0,
          chunksOf(all.subarray(0, 100_000)),
          options(async () => undefined),
        );
        await staging.append(
          id,
          100_000,
          chunksOf(all.subarray(100_000)),
          options(async () => undefined),
        );
        const ranges = [
          [0, 0],
          [0, 299_999],
          [299_999, 299_999],
          [65_535, 65_536],
          [99_999, 100_000],
          [1, 299_998],
          [131_071, 200_000],
          [12_345, 12_345 + 64 * KiB],
        ];
        for (const [start, end] of ranges) {
          for (const store of [staging, other]) {
            const read = await collect(await store.read(id, { start, end }));
            expect({ start, end, equal: read.equals(all.subarray(start, end + 1)) }).toEqual({
              start,
              end,
              equal: true,
            });
          }
        }
      });

      it('refuses to read a range that runs past the staged bytes', async () => {
        const id = await staged(bytes('short', 0, 1000));
        await expect(staging.read(id, { start: 0, end: 1000 })).rejects.toBeInstanceOf(StagedBytesMissingError);
        await expect(staging.read(id, { start: 999, end: 5000 })).rejects.toBeInstanceOf(StagedBytesMissingError);
        await expect(staging.read(randomUUID(), { start: 0, end: 0 })).rejects.toBeInstanceOf(StagedBytesMissingError);
      });

      it('takes Uint8Array views (not Buffers) at an offset inside a larger ArrayBuffer', async () => {
        const id = randomUUID();
        const backing = bytes('views', 0, 50_000);
        async function* views(): ByteBody {
          for (let at = 0; at < 40_000; at += 7_000) {
            yield new Uint8Array(backing.buffer, backing.byteOffset + 5_000 + at, Math.min(7_000, 40_000 - at));
          }
        }
        expect(
          await staging.append(
            id,
            0,
            views(),
            options(async () => undefined),
          ),
        ).toEqual({ offset: 40_000 });
        await expectStaged(id, backing.subarray(5_000, 45_000));
      });

      it('ignores empty chunks inside a body', async () => {
        const id = randomUUID();
        const data = bytes('empty-pieces', 0, 30_000);
        async function* withGaps(): ByteBody {
          yield new Uint8Array(0);
          yield data.subarray(0, 10_000);
          yield Buffer.alloc(0);
          yield Buffer.alloc(0);
          yield data.subarray(10_000);
          yield new Uint8Array(0);
        }
        expect(
          await staging.append(
            id,
            0,
            withGaps(),
            options(async () => undefined),
          ),
        ).toEqual({ offset: 30_000 });
        await expectStaged(id, data);
      });

      it('keeps uploads apart: appends, truncations and removal of one leave another untouched', async () => {
        const a = randomUUID();
        const b = randomUUID();
        const dataA = bytes('apart-a', 0, 150_000);
        const dataB = bytes('apart-b', 0, 150_000);
        await Promise.all([
          staging.append(
            a,
            0,
            chunksOf(dataA.subarray(0, 100_000)),
            options(async () => undefined),
          ),
          staging.append(
            b,
            0,
            chunksOf(dataB.subarray(0, 100_000)),
            options(async () => undefined),
          ),
        ]);
        // a is cut back to 50_000 (its caller's truth) and continued; b continues at 100_000.
        await Promise.all([
          staging.append(
            a,
            50_000,
            chunksOf(dataA.subarray(50_000, 150_000)),
            options(async () => undefined),
          ),
          staging.append(
            b,
            100_000,
            chunksOf(dataB.subarray(100_000)),
            options(async () => undefined),
          ),
        ]);
        await expectStaged(a, dataA);
        await expectStaged(b, dataB);
        await staging.remove(a);
        await expectStaged(b, dataB);
        expect(await staging.sha256(b, 150_000)).toBe(sha256(dataB));
      });
    });

    describe('sha256', () => {
      it('is the real SHA-256 from the running hash of the instance that received the bytes', async () => {
        const id = randomUUID();
        const all = bytes('running-hash', 0, 250_000);
        await staging.append(
          id,
          0,
          chunksOf(all.subarray(0, 90_000)),
          options(async () => undefined),
        );
        expect(await staging.sha256(id, 90_000)).toBe(sha256(all.subarray(0, 90_000)));
        await staging.append(
          id,
          90_000,
          chunksOf(all.subarray(90_000)),
          options(async () => undefined),
        );
        expect(await staging.sha256(id, 250_000)).toBe(sha256(all));
      });

      it('is the real SHA-256 of a prefix the running hash does not end at (read again)', async () => {
        const all = bytes('prefix-hash', 0, 200_000);
        const id = await staged(all);
        for (const length of [0, 1, 65_536, 123_457, 199_999]) {
          expect(await staging.sha256(id, length)).toBe(sha256(all.subarray(0, length)));
        }
        expect(await staging.sha256(id, 0)).toBe(EMPTY_SHA256);
      });

      it('is the real SHA-256 after a restart, when the running hash is gone', async () => {
        const all = bytes('restart-hash', 0, 180_000);
        const id = randomUUID();
        await staging.append(
          id,
          0,
          chunksOf(all.subarray(0, 100_000)),
          options(async () => undefined),
        );
        const restarted = await harness.open(SMALL_CHECKPOINTS);
        expect(await restarted.sha256(id, 100_000)).toBe(sha256(all.subarray(0, 100_000)));
        // The restarted instance takes the next chunk without a running hash of its own...
        await restarted.append(
          id,
          100_000,
          chunksOf(all.subarray(100_000)),
          options(async () => undefined),
        );
        expect(await restarted.sha256(id, 180_000)).toBe(sha256(all));
        // ...and the first instance, whose running hash stopped at 100_000, is not fooled either.
        expect(await staging.sha256(id, 180_000)).toBe(sha256(all));
        expect(await staging.sha256(id, 100_000)).toBe(sha256(all.subarray(0, 100_000)));
      });

      it('is the real SHA-256 when an upload moves back and forth between two instances', async () => {
        const all = bytes('ping-pong', 0, 400_000);
        const id = randomUUID();
        const stores = [staging, other];
        for (let i = 0, at = 0; at < all.length; i++, at += 50_000) {
          const store = stores[i % 2];
          expect(
            await store.append(
              id,
              at,
              chunksOf(all.subarray(at, at + 50_000)),
              options(async () => undefined),
            ),
          ).toEqual({ offset: at + 50_000 });
          expect(await store.sha256(id, at + 50_000)).toBe(sha256(all.subarray(0, at + 50_000)));
        }
        expect(await staging.sha256(id, all.length)).toBe(sha256(all));
        expect(await other.sha256(id, all.length)).toBe(sha256(all));
      });
    });

    describe('durable checkpoints', () => {
      it('reports increasing offsets, several for a 1 MiB body with 64 KiB checkpoints, the last = start + bytes', async () => {
        const id = randomUUID();
        const head = bytes('checkpoints', 0, 100_000);
        await staging.append(
          id,
          0,
          chunksOf(head),
          options(async () => undefined),
        );
        const data = bytes('checkpoints', 100_000, MiB);
        const record = recorder();
        const result = await staging.append(id, 100_000, chunksOf(data, 16 * KiB), options(record.onDurable));
        expect(result).toEqual({ offset: 100_000 + MiB });
        expect(record.offsets.length).toBeGreaterThanOrEqual(8);
        expect(record.offsets.at(-1)).toBe(100_000 + MiB);
        let previous = 100_000;
        for (const offset of record.offsets) {
          expect(offset).toBeGreaterThan(previous);
          // at least every 64 KiB (one chunk of slack)
          expect(offset - previous).toBeLessThanOrEqual(64 * KiB + 16 * KiB);
          previous = offset;
        }
        await expectStaged(id, bytes('checkpoints', 0, 100_000 + MiB));
      });

      it("has every reported offset's bytes really staged when it is reported (readable by another instance)", async () => {
        const id = randomUUID();
        const data = bytes('durable-when-reported', 0, 400_000);
        const seen: Array<{ offset: number; equal: boolean }> = [];
        await staging.append(
          id,
          0,
          chunksOf(data, 10_000),
          options(async (offset) => {
            const read = await collect(await other.read(id, { start: 0, end: offset - 1 }));
            seen.push({ offset, equal: read.equals(data.subarray(0, offset)) });
          }),
        );
        expect(seen.length).toBeGreaterThanOrEqual(5);
        expect(seen.every((s) => s.equal)).toBe(true);
        expect(seen.at(-1)?.offset).toBe(400_000);
      });

      it('checkpoints by time while bytes keep arriving slowly', async () => {
        const store = await harness.open({ bytes: 1024 * MiB, ms: 40 });
        const id = randomUUID();
        const data = bytes('slow-phone', 0, 12 * 1000);
        async function* slow(): ByteBody {
          for (let at = 0; at < data.length; at += 1000) {
            await new Promise((resolve) => setTimeout(resolve, 25));
            yield data.subarray(at, at + 1000);
          }
        }
        const record = recorder();
        expect(await store.append(id, 0, slow(), options(record.onDurable))).toEqual({ offset: 12_000 });
        expect(record.offsets.length).toBeGreaterThanOrEqual(3);
        expect(record.offsets.at(-1)).toBe(12_000);
        expect([...record.offsets].sort((x, y) => x - y)).toEqual(record.offsets);
        expect(new Set(record.offsets).size).toBe(record.offsets.length);
        await expectStaged(id, data);
      });

      it('reports one checkpoint at the end for a body smaller than the checkpoint size', async () => {
        const id = randomUUID();
        const record = recorder();
        const data = bytes('one-checkpoint', 0, 5_000);
        expect(await staging.append(id, 0, chunksOf(data, 1_000), options(record.onDurable))).toEqual({
          offset: 5_000,
        });
        expect(record.offsets).toEqual([5_000]);
      });
    });

    describe('a body that breaks off part-way', () => {
      it('keeps and reports exactly the bytes that arrived before the failure', async () => {
        const id = randomUUID();
        const head = bytes('broken-off', 0, 20_000);
        await staging.append(
          id,
          0,
          chunksOf(head),
          options(async () => undefined),
        );
        const failure = new Error('client went away');
        const record = recorder();
        const result: AppendResult = await staging.append(
          id,
          20_000,
          brokenOff(bytes('broken-off', 20_000, 50_000), failure),
          options(record.onDurable),
        );
        expect(result.interrupted).toBe(failure);
        expect(result.offset).toBe(70_000);
        expect(record.offsets).toEqual([70_000]);
        await expectStaged(id, bytes('broken-off', 0, 70_000));
        expect(await staging.sha256(id, 70_000)).toBe(sha256(bytes('broken-off', 0, 70_000)));
      });

      it('keeps the bytes after several checkpoints, and the upload resumes at the reported offset', async () => {
        const id = randomUUID();
        const all = bytes('broken-after-checkpoints', 0, 300_000);
        const record = recorder();
        const result = await staging.append(
          id,
          0,
          brokenOff(all.subarray(0, 210_000), new Error('cut'), 7_000),
          options(record.onDurable),
        );
        expect(result.offset).toBe(210_000);
        expect(result.interrupted).toBeInstanceOf(Error);
        expect(record.offsets.length).toBeGreaterThan(1);
        expect(record.offsets.at(-1)).toBe(210_000);
        await expectStaged(id, all.subarray(0, 210_000));
        expect(
          await staging.append(
            id,
            210_000,
            chunksOf(all.subarray(210_000)),
            options(async () => undefined),
          ),
        ).toEqual({ offset: 300_000 });
        await expectStaged(id, all);
        expect(await staging.sha256(id, 300_000)).toBe(sha256(all));
      });

      it('treats a body that fails before its first byte as interrupted at the start offset', async () => {
        const id = await staged(bytes('fails-at-once', 0, 1_000));
        const failure = new Error('reset');
        const record = recorder();
        // eslint-disable-next-line require-yield
        async function* failsAtOnce(): ByteBody {
          throw failure;
        }
        const result = await staging.append(id, 1_000, failsAtOnce(), options(record.onDurable));
        expect(result).toEqual({ offset: 1_000, interrupted: failure });
        expect(record.offsets).toEqual([]);
        await expectStaged(id, bytes('fails-at-once', 0, 1_000));
      });

      it('stops at an aborted signal and keeps what arrived before it', async () => {
        const id = randomUUID();
        const data = bytes('aborted', 0, 100_000);
        const abort = new AbortController();
        async function* abortsAfter30k(): ByteBody {
          for (let at = 0; at < data.length; at += 10_000) {
            if (at === 30_000) abort.abort(new Error('request aborted'));
            yield data.subarray(at, at + 10_000);
          }
        }
        const result = await staging.append(
          id,
          0,
          abortsAfter30k(),
          options(async () => undefined, { signal: abort.signal }),
        );
        expect(result.interrupted).toEqual(new Error('request aborted'));
        // The chunk yielded as the signal fired may or may not be taken; what is reported is what is staged.
        expect([30_000, 40_000]).toContain(result.offset);
        await expectStaged(id, data.subarray(0, result.offset));
      });

      it('stops at once when the signal aborts while the body is waiting for bytes, and takes none that come after', async () => {
        const id = randomUUID();
        const data = bytes('stalled', 0, 20_000);
        let release!: () => void;
        const gate = new Promise<void>((resolve) => (release = resolve));
        let stalled!: () => void;
        const waitingForBytes = new Promise<void>((resolve) => (stalled = resolve));
        async function* stalls(): ByteBody {
          yield data.subarray(0, 10_000);
          stalled(); // the staging took the first bytes and asks for more
          await gate; // the client stops sending
          yield data.subarray(10_000);
        }
        const abort = new AbortController();
        const lost = new Error('upload lock lost');
        const record = recorder();
        const appending = staging.append(id, 0, stalls(), options(record.onDurable, { signal: abort.signal }));
        // Not a fixed delay: on a busy machine the staging may not have read the first bytes yet.
        await waitingForBytes;
        await new Promise((resolve) => setTimeout(resolve, 20));
        abort.abort(lost);
        const outcome = await Promise.race([
          appending,
          new Promise((resolve) => setTimeout(() => resolve('still waiting 1 s after the abort'), 1_000).unref()),
        ]);
        release(); // the client sends again: nothing of it may be taken now
        const final = await appending;
        expect(outcome).toEqual({ offset: 10_000, interrupted: lost });
        expect(final).toEqual({ offset: 10_000, interrupted: lost });
        expect(record.offsets).toEqual([10_000]);
        await expectStaged(id, data.subarray(0, 10_000));
      });
    });

    describe('maxBytes', () => {
      it('refuses a body longer than maxBytes with UploadLengthExceededError and keeps none of it', async () => {
        const head = bytes('too-long', 0, 10_000);
        const id = await staged(head);
        const record = recorder();
        const error = await rejection(
          staging.append(
            id,
            10_000,
            chunksOf(bytes('too-long', 10_000, 50_000), 5_000),
            options(record.onDurable, { maxBytes: 40_000 }),
          ),
        );
        expect(error).toBeInstanceOf(UploadLengthExceededError);
        expect((error as UploadLengthExceededError).maxBytes).toBe(40_000);
        expect(record.offsets).toEqual([]);
        await expectStaged(id, head);
        // The upload goes on at the old offset.
        expect(
          await staging.append(
            id,
            10_000,
            chunksOf(bytes('too-long', 10_000, 40_000)),
            options(async () => undefined, { maxBytes: 40_000 }),
          ),
        ).toEqual({
          offset: 50_000,
        });
        await expectStaged(id, bytes('too-long', 0, 50_000));
      });

      it('accepts a body of exactly maxBytes', async () => {
        const id = randomUUID();
        const data = bytes('exactly-max', 0, 77_777);
        expect(
          await staging.append(
            id,
            0,
            chunksOf(data, 7_000),
            options(async () => undefined, { maxBytes: 77_777 }),
          ),
        ).toEqual({ offset: 77_777 });
        await expectStaged(id, data);
      });

      it('after checkpoints, cuts the staged bytes back to the last offset reported', async () => {
        const id = randomUUID();
        const all = bytes('too-long-checkpointed', 0, 300 * KiB);
        const record = recorder();
        const error = await rejection(
          staging.append(id, 0, chunksOf(all, 16 * KiB), options(record.onDurable, { maxBytes: 200 * KiB })),
        );
        expect(error).toBeInstanceOf(UploadLengthExceededError);
        const recorded = record.recorded(0);
        expect(recorded).toBeGreaterThan(0);
        expect(recorded).toBeLessThanOrEqual(200 * KiB);
        await expectStaged(id, all.subarray(0, recorded));
        expect(
          await staging.append(
            id,
            recorded,
            chunksOf(all.subarray(recorded, 200 * KiB)),
            options(async () => undefined),
          ),
        ).toEqual({ offset: 200 * KiB });
        await expectStaged(id, all.subarray(0, 200 * KiB));
      });
    });

    describe('chunk checksums', () => {
      it.each<ChecksumAlgorithm>(['sha1', 'md5', 'sha256'])(
        'accepts a chunk whose %s digest matches, and counts it whole',
        async (algorithm) => {
          const head = bytes(`checksum-ok-${algorithm}`, 0, 1_000);
          const id = await staged(head);
          const chunk = bytes(`checksum-ok-${algorithm}`, 1_000, 200 * KiB);
          const record = recorder();
          const result = await staging.append(
            id,
            1_000,
            chunksOf(chunk),
            options(record.onDurable, { checksum: { algorithm, digest: digest(algorithm, chunk) } }),
          );
          expect(result).toEqual({ offset: 1_000 + 200 * KiB });
          expect(record.offsets).toEqual([1_000 + 200 * KiB]); // no checkpoint inside a checksummed chunk
          await expectStaged(id, bytes(`checksum-ok-${algorithm}`, 0, 1_000 + 200 * KiB));
        },
      );

      it.each<ChecksumAlgorithm>(['sha1', 'md5', 'sha256'])(
        'refuses a chunk whose %s digest does not match (ChunkChecksumMismatchError) and keeps none of it',
        async (algorithm) => {
          const head = bytes(`checksum-bad-${algorithm}`, 0, 1_000);
          const id = await staged(head);
          // Past one write batch (1 MiB), so some of the chunk was written before the digest was known.
          const chunk = bytes(`checksum-bad-${algorithm}`, 1_000, 2 * MiB + 123);
          const wrong = digest(algorithm, chunk);
          wrong[0] ^= 0xff;
          const record = recorder();
          const error = await rejection(
            staging.append(
              id,
              1_000,
              chunksOf(chunk, 64 * KiB),
              options(record.onDurable, { checksum: { algorithm, digest: wrong } }),
            ),
          );
          expect(error).toBeInstanceOf(ChunkChecksumMismatchError);
          expect((error as ChunkChecksumMismatchError).code).toBe('chunk-checksum-mismatch');
          expect(record.offsets).toEqual([]);
          await expectStaged(id, head);
          expect(await staging.sha256(id, 1_000)).toBe(sha256(head));
          // The same chunk with its right digest is then taken.
          const right = { algorithm, digest: digest(algorithm, chunk) };
          expect(
            await staging.append(
              id,
              1_000,
              chunksOf(chunk, 64 * KiB),
              options(async () => undefined, { checksum: right }),
            ),
          ).toEqual({
            offset: 1_000 + chunk.length,
          });
          await expectStaged(id, Buffer.concat([head, chunk]));
        },
      );

      it('refuses a digest of another length than the algorithm gives', async () => {
        const id = randomUUID();
        const chunk = bytes('checksum-length', 0, 5_000);
        const record = recorder();
        const error = await rejection(
          staging.append(
            id,
            0,
            chunksOf(chunk),
            options(record.onDurable, { checksum: { algorithm: 'sha1', digest: digest('sha256', chunk) } }),
          ),
        );
        expect(error).toBeInstanceOf(ChunkChecksumMismatchError);
        expect(record.offsets).toEqual([]);
        await expectStaged(id, Buffer.alloc(0));
      });

      it('throws the interruption of a checksummed chunk that breaks off, and keeps none of it', async () => {
        const head = bytes('checksum-broken', 0, 3_000);
        const id = await staged(head);
        const chunk = bytes('checksum-broken', 3_000, 300 * KiB);
        const failure = new Error('client went away');
        const record = recorder();
        const error = await rejection(
          staging.append(
            id,
            3_000,
            brokenOff(chunk.subarray(0, 150 * KiB), failure),
            options(record.onDurable, { checksum: { algorithm: 'sha256', digest: digest('sha256', chunk) } }),
          ),
        );
        expect(error).toBe(failure);
        expect(record.offsets).toEqual([]);
        await expectStaged(id, head);
      });
    });

    describe('when recording an offset fails', () => {
      it('rejects with the error onDurable threw; an append at the last recorded offset makes the bytes exact', async () => {
        const id = randomUUID();
        const all = bytes('on-durable-fails', 0, 300 * KiB);
        const failure = new Error('database down');
        const record = recorder((_, call) => (call === 3 ? failure : undefined));
        const error = await rejection(staging.append(id, 0, chunksOf(all, 16 * KiB), options(record.onDurable)));
        expect(error).toBe(failure);
        expect(record.offsets.length).toBe(2);
        const recorded = record.recorded(0);
        // Nothing past the caller's truth counts: the next append there truncates any residue.
        const result = await staging.append(
          id,
          recorded,
          chunksOf(all.subarray(recorded)),
          options(async () => undefined),
        );
        expect(result).toEqual({ offset: all.length });
        await expectStaged(id, all);
        expect(await staging.sha256(id, all.length)).toBe(sha256(all));
      });

      it('rejects when the final checkpoint cannot be recorded, and the upload resumes at the old offset', async () => {
        const head = bytes('final-record-fails', 0, 4_000);
        const id = await staged(head);
        const failure = new Error('version conflict');
        const error = await rejection(
          staging.append(
            id,
            4_000,
            chunksOf(bytes('final-record-fails', 4_000, 6_000)),
            options(async () => {
              throw failure;
            }),
          ),
        );
        expect(error).toBe(failure);
        const result = await staging.append(
          id,
          4_000,
          chunksOf(bytes('final-record-fails', 4_000, 6_000)),
          options(async () => undefined),
        );
        expect(result).toEqual({ offset: 10_000 });
        await expectStaged(id, bytes('final-record-fails', 0, 10_000));
        expect(await staging.sha256(id, 10_000)).toBe(sha256(bytes('final-record-fails', 0, 10_000)));
      });
    });

    describe('crash residue', () => {
      it('drops bytes staged past the offset the caller recorded, at the next append', async () => {
        const id = randomUUID();
        const first = bytes('residue-first', 0, 100_000);
        await staging.append(
          id,
          0,
          chunksOf(first),
          options(async () => undefined),
        );
        // The caller had recorded only 60_000 (it died before recording the rest).
        const next = bytes('residue-next', 0, 30_000);
        expect(
          await staging.append(
            id,
            60_000,
            chunksOf(next),
            options(async () => undefined),
          ),
        ).toEqual({ offset: 90_000 });
        const expected = Buffer.concat([first.subarray(0, 60_000), next]);
        await expectStaged(id, expected);
        expect(await staging.sha256(id, 90_000)).toBe(sha256(expected));
      });

      it('drops residue found by a restarted instance', async () => {
        const id = randomUUID();
        const first = bytes('residue-restart', 0, 100_000);
        await staging.append(
          id,
          0,
          chunksOf(first),
          options(async () => undefined),
        );
        const restarted = await harness.open(SMALL_CHECKPOINTS);
        const next = bytes('residue-restart-next', 0, 10_000);
        expect(
          await restarted.append(
            id,
            65_537,
            chunksOf(next),
            options(async () => undefined),
          ),
        ).toEqual({ offset: 75_537 });
        const expected = Buffer.concat([first.subarray(0, 65_537), next]);
        await expectStaged(id, expected);
        expect(await restarted.sha256(id, 75_537)).toBe(sha256(expected));
      });

      it('drops all residue when the caller recorded nothing (offset 0)', async () => {
        const id = await staged(bytes('residue-zero', 0, 70_000));
        const fresh = bytes('residue-zero-fresh', 0, 1_000);
        expect(
          await staging.append(
            id,
            0,
            chunksOf(fresh),
            options(async () => undefined),
          ),
        ).toEqual({ offset: 1_000 });
        await expectStaged(id, fresh);
      });

      it('reports the SHA-256 of the new bytes after the residue was replaced by as many other bytes (same instance)', async () => {
        const id = randomUUID();
        const first = bytes('residue-same-length', 0, 100_000);
        await staging.append(
          id,
          0,
          chunksOf(first),
          options(async () => undefined),
        );
        // The caller's truth is 60_000; the 40_000 bytes after it come again, different.
        const replacement = bytes('residue-same-length-other', 0, 40_000);
        expect(
          await staging.append(
            id,
            60_000,
            chunksOf(replacement),
            options(async () => undefined),
          ),
        ).toEqual({ offset: 100_000 });
        const expected = Buffer.concat([first.subarray(0, 60_000), replacement]);
        expect((await readAll(staging, id, 100_000)).equals(expected)).toBe(true);
        expect(await staging.sha256(id, 100_000)).toBe(sha256(expected));
      });
    });

    describe('offsets past the staged bytes', () => {
      it('refuses an append beyond what is staged with StagedBytesMissingError (upload-bytes-missing) and changes nothing', async () => {
        const head = bytes('missing', 0, 5_000);
        const id = await staged(head);
        const record = recorder();
        for (const offset of [5_001, 1_000_000]) {
          const error = await rejection(
            staging.append(id, offset, chunksOf(bytes('missing-more', 0, 1_000)), options(record.onDurable)),
          );
          expect(error).toBeInstanceOf(StagedBytesMissingError);
          expect(error).toBeInstanceOf(DomainError);
          expect((error as StagedBytesMissingError).code).toBe('upload-bytes-missing');
          expect((error as StagedBytesMissingError).kind).toBe('gone');
        }
        expect(record.offsets).toEqual([]);
        await expectStaged(id, head);
      });

      it('refuses an append past 0 for an upload with nothing staged', async () => {
        const id = randomUUID();
        const error = await rejection(
          staging.append(
            id,
            10,
            chunksOf(bytes('nothing', 0, 10)),
            options(async () => undefined),
          ),
        );
        expect(error).toBeInstanceOf(StagedBytesMissingError);
        await expect(staging.read(id, { start: 0, end: 0 })).rejects.toBeInstanceOf(StagedBytesMissingError);
      });
    });

    describe('remove and empty bodies', () => {
      it('removes idempotently; afterwards the bytes are gone for every instance', async () => {
        const data = bytes('removed', 0, 100_000);
        const id = await staged(data);
        await staging.remove(id);
        await staging.remove(id);
        await other.remove(id);
        await staging.remove(randomUUID()); // never staged
        for (const store of [staging, other]) {
          await expect(store.read(id, { start: 0, end: 0 })).rejects.toBeInstanceOf(StagedBytesMissingError);
          await expect(store.read(id, { start: 0, end: 99_999 })).rejects.toBeInstanceOf(StagedBytesMissingError);
          await expect(store.sha256(id, 100_000)).rejects.toBeInstanceOf(StagedBytesMissingError);
        }
        await expect(
          staging.append(
            id,
            100_000,
            chunksOf(bytes('x', 0, 1)),
            options(async () => undefined),
          ),
        ).rejects.toBeInstanceOf(StagedBytesMissingError);
      });

      it('forgets the running hash on remove: the same id staged again with other bytes hashes right', async () => {
        const id = await staged(bytes('before-remove', 0, 50_000));
        await staging.remove(id);
        const again = bytes('after-remove', 0, 50_000);
        await staging.append(
          id,
          0,
          chunksOf(again),
          options(async () => undefined),
        );
        expect(await staging.sha256(id, 50_000)).toBe(sha256(again));
        await expectStaged(id, again);
      });

      it('appends an empty body at 0 and at the end of staged bytes without changing them', async () => {
        const id = randomUUID();
        const record = recorder();
        expect(await staging.append(id, 0, chunksOf(Buffer.alloc(0)), options(record.onDurable))).toEqual({
          offset: 0,
        });
        expect(await staging.sha256(id, 0)).toBe(EMPTY_SHA256);
        expect(await collect(await staging.read(id))).toEqual(Buffer.alloc(0));
        const data = bytes('then-empty', 0, 20_000);
        expect(await staging.append(id, 0, chunksOf(data), options(record.onDurable))).toEqual({ offset: 20_000 });
        expect(await staging.append(id, 20_000, chunksOf(Buffer.alloc(0)), options(record.onDurable))).toEqual({
          offset: 20_000,
        });
        expect(record.offsets).toEqual([20_000]);
        await expectStaged(id, data);
        expect(await staging.sha256(id, 20_000)).toBe(sha256(data));
        expect(
          await staging.append(
            id,
            20_000,
            chunksOf(bytes('then-empty', 20_000, 5_000)),
            options(async () => undefined),
          ),
        ).toEqual({ offset: 25_000 });
        await expectStaged(id, bytes('then-empty', 0, 25_000));
      });
    });

    const large = contractOptions.largeBodyBytes ?? 64 * MiB;
    if (large > 0) {
      it(`streams a ${large / MiB} MiB body in 1 MiB chunks in flat memory, and reads it back exactly`, async () => {
        // The production default policy (config UPLOAD_CHECKPOINT_BYTES / _MS).
        const store = await harness.open({ bytes: 64 * MiB, ms: 2_000 });
        const memory = memoryProbe();
        const id = randomUUID();
        const sent = createHash('sha256');
        let count = 0;
        async function* source(): ByteBody {
          for await (const piece of body('large-staged', large, MiB)) {
            sent.update(piece);
            count += piece.byteLength;
            if (count % (8 * MiB) === 0) memory.sample();
            yield piece;
          }
        }
        const record = recorder();
        expect(await store.append(id, 0, source(), options(record.onDurable))).toEqual({ offset: large });
        const growth = memory.peakGrowth().live;
        const expected = sent.digest('hex');
        expect(record.offsets.at(-1)).toBe(large);
        expect(await store.sha256(id, large)).toBe(expected);

        const readBack = createHash('sha256');
        let received = 0;
        for await (const piece of await other.read(id, { start: 0, end: large - 1 })) {
          readBack.update(piece);
          received += piece.byteLength;
          if (received % (8 * MiB) < piece.byteLength) memory.sample();
        }
        expect(received).toBe(large);
        expect(readBack.digest('hex')).toBe(expected);
        const total = memory.peakGrowth().live;
        await store.remove(id);
        // Lenient: a body held whole would be 64 MiB more.
        expect(growth).toBeLessThan(32 * MiB);
        expect(total).toBeLessThan(32 * MiB);
      });
    }
  });
}
