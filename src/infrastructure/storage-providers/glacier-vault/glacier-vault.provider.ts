import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  DeleteArchiveCommand,
  DescribeJobCommand,
  DescribeVaultCommand,
  GetJobOutputCommand,
  GlacierClient,
  GlacierServiceException,
  InitiateJobCommand,
  InitiateMultipartUploadCommand,
  UploadArchiveCommand,
  UploadMultipartPartCommand,
} from '@aws-sdk/client-glacier';
import { createHash } from 'node:crypto';
import { ChecksumMismatchError, StorageLocation } from '../../../domain/files';
import {
  ArchiveRetrieval,
  ByteBody,
  ByteRange,
  ObjectHead,
  ProviderHealth,
  RestoreNotReadyError,
  RestoreState,
  RetrievalTier,
  StartedRestore,
  StorageCapabilities,
  StorageProvider,
  StoredObjectNotFoundError,
  WriteOptions,
  WriteResult,
} from '../../../domain/storage';
import { GlacierVaultConfig } from './glacier-vault.settings';
import { meter } from '../shared/metered-body';
import { combineTreeHash, TreeHash } from './tree-hash';

const MiB = 1024 * 1024;
/** Glacier wants 1 MiB × 2^n; 8 MiB keeps two parts (16 MiB) per upload in memory, at most. */
const PART_SIZE = 8 * MiB;
/** Job output stays downloadable for 24 hours after the job completes; it cannot be chosen. */
const OUTPUT_HOURS = 24;
const TIERS: Record<RetrievalTier, string> = { expedited: 'Expedited', standard: 'Standard', bulk: 'Bulk' };
/**
 * Glacier refuses 0-byte archives (archives are 1 byte to 40 TiB), but an empty file is a valid
 * file: it is kept under this key, which no archive id can be (they are 138 characters), and never
 * reaches the vault. It is "restored" at once and reads as nothing.
 */
const EMPTY = 'empty';

/**
 * Archives in an Amazon S3 Glacier *vault* (the original, pre-S3 Glacier API). Legacy: AWS took no
 * new vault customers after December 2025; this provider exists so existing vault users can keep
 * reading, retrieving and migrating their archives. Vault archives are immutable, keyed by the
 * archive id Glacier assigns, and readable only through a retrieval job's output.
 *
 * Uploads are cut into 8 MiB parts, hashed here (linear SHA-256 and tree hash) and sent as
 * Buffers: the SDK's Glacier middleware would otherwise hash every body again, and cannot hash a
 * stream at all.
 */
export class GlacierVaultProvider implements StorageProvider {
  readonly id = 'glacier-vault';
  readonly capabilities: StorageCapabilities = {
    instantAccess: false,
    rangeReads: true, // of a job's output
    retrievalRequired: true,
    retrievalTiers: ['expedited', 'standard', 'bulk'],
    retrievalMinutes: { expedited: 5, standard: 300, bulk: 720 },
    maxObjectSize: 40 * 1024 ** 4, // 10,000 parts of 4 GiB
    deletion: 'minimum-retention',
    minimumStorageDays: 90,
  };
  readonly retrieval: ArchiveRetrieval;
  private readonly client: GlacierClient;
  private readonly vault: { accountId: string; vaultName: string };
  /** Hashes of the bodies this provider sends, so the SDK's checksum middleware reuses them. */
  private readonly hashed = new WeakMap<object, [string, string]>();

  constructor(private readonly config: GlacierVaultConfig) {
    this.vault = { accountId: config.accountId, vaultName: config.vault };
    this.client = new GlacierClient({
      region: config.region,
      endpoint: config.endpoint,
      credentials: config.credentials,
      maxAttempts: 3,
      bodyChecksumGenerator: async ({ body }: { body?: unknown }) =>
        (body instanceof Object && this.hashed.get(body)) || smallBodyChecksums(body),
    });
    this.retrieval = {
      startRestore: (key, tier) => this.startRestore(key, tier),
      restoreStatus: (key, handle) => this.restoreStatus(key, handle),
      readRestored: (key, handle, range) => this.readRestored(key, handle, range),
    };
  }

  async write(body: ByteBody, options: WriteOptions): Promise<WriteResult> {
    options.signal?.throwIfAborted();
    const metered = meter(body, options.maxBytes, options.signal);
    const leaves: Buffer[] = []; // 32 bytes per MiB of the archive, for the whole-archive tree hash
    const send = { abortSignal: options.signal };
    let uploadId: string | undefined;
    let inFlight: Promise<unknown> | undefined;
    let size = 0;
    try {
      for await (const { bytes, last } of parts(metered.body, PART_SIZE)) {
        const checksum = this.hashBody(bytes, leaves);
        if (last) this.refuseMismatch(options.expectedSha256, metered.result().sha256); // before anything becomes an archive
        if (last && uploadId === undefined) {
          if (bytes.length === 0) return { key: EMPTY, size: 0, sha256: metered.result().sha256 };
          const res = await this.client.send(new UploadArchiveCommand({ ...this.vault, body: bytes, checksum }), send);
          return { key: this.archiveKey(res.archiveId), size: bytes.length, sha256: metered.result().sha256 };
        }
        uploadId ??= (
          await this.client.send(
            new InitiateMultipartUploadCommand({ ...this.vault, partSize: String(PART_SIZE) }),
            send,
          )
        ).uploadId!;
        await inFlight; // one part on the wire while the next one fills
        const range = `bytes ${size}-${size + bytes.length - 1}/*`;
        inFlight = this.client.send(
          new UploadMultipartPartCommand({ ...this.vault, uploadId, range, body: bytes, checksum }),
          send,
        );
        inFlight.catch(() => undefined); // awaited above or below; a failure must not go unhandled meanwhile
        size += bytes.length;
      }
      await inFlight;
      const res = await this.client.send(
        new CompleteMultipartUploadCommand({
          ...this.vault,
          uploadId,
          archiveSize: String(size),
          checksum: combineTreeHash(leaves).toString('hex'),
        }),
        send,
      );
      return { key: this.archiveKey(res.archiveId), size, sha256: metered.result().sha256 };
    } catch (error) {
      await inFlight?.catch(() => undefined);
      if (uploadId)
        await this.client.send(new AbortMultipartUploadCommand({ ...this.vault, uploadId })).catch(() => undefined);
      // The body's own failure (too large, the client gone) is the one to report, not the SDK's.
      throw options.signal?.aborted ? options.signal.reason : error;
    }
  }

  async read(key: string): Promise<ByteBody> {
    this.assertKey(key);
    throw new RestoreNotReadyError(this.id, key); // a vault serves bytes only through a retrieval job
  }

  /** Null always: a vault can only list its archives through an inventory job that takes hours. */
  async head(key: string): Promise<ObjectHead | null> {
    this.assertKey(key);
    return null;
  }

  async delete(key: string): Promise<void> {
    this.assertKey(key);
    if (key === EMPTY) return;
    await this.client.send(new DeleteArchiveCommand({ ...this.vault, archiveId: key })).catch((error: unknown) => {
      if (!isNotFound(error)) throw error;
    });
  }

  async health(): Promise<ProviderHealth> {
    try {
      await this.client.send(new DescribeVaultCommand(this.vault));
      return { healthy: true, detail: `vault ${this.config.vault} reachable` };
    } catch (error) {
      const e = error as GlacierServiceException;
      const denied =
        e.$metadata?.httpStatusCode === 403 ||
        ['UnrecognizedClientException', 'InvalidSignatureException', 'AccessDeniedException'].includes(e.name);
      const why = denied ? 'access denied (check the credentials)' : isNotFound(error) ? 'no such vault' : e.message;
      return { healthy: false, detail: `vault ${this.config.vault}: ${why}` };
    }
  }

  async close(): Promise<void> {
    this.client.destroy();
  }

  /** `days` does not apply: a vault keeps a job's output for 24 hours, whatever is asked. */
  private async startRestore(key: string, tier: RetrievalTier): Promise<StartedRestore> {
    this.assertKey(key);
    if (key === EMPTY) return { handle: EMPTY, status: { state: 'ready' } };
    try {
      const res = await this.client.send(
        new InitiateJobCommand({
          ...this.vault,
          jobParameters: { Type: 'archive-retrieval', ArchiveId: key, Tier: TIERS[tier] },
        }),
      );
      return { handle: res.jobId!, status: { state: 'in-progress' } };
    } catch (error) {
      if (isNotFound(error)) throw new StoredObjectNotFoundError(this.id, key);
      throw error;
    }
  }

  private async restoreStatus(key: string, jobId: string): Promise<RestoreState> {
    this.assertKey(key);
    if (key === EMPTY) return { state: 'ready' };
    try {
      const job = await this.client.send(new DescribeJobCommand({ ...this.vault, jobId }));
      // A handle of another archive's job would otherwise pass that archive's bytes off as this one's.
      if (job.ArchiveId !== undefined && job.ArchiveId !== key) return { state: 'none' };
      if (job.StatusCode === 'Failed')
        return { state: 'failed', reason: job.StatusMessage ?? 'the retrieval job failed' };
      if (job.StatusCode !== 'Succeeded') return { state: 'in-progress' };
      const completed = job.CompletionDate ? Date.parse(job.CompletionDate) : NaN;
      return {
        state: 'ready',
        expiresAt: Number.isNaN(completed) ? undefined : new Date(completed + OUTPUT_HOURS * 3600_000),
      };
    } catch (error) {
      if (isNotFound(error)) return { state: 'none' }; // Glacier forgets a job once its output expires
      throw error;
    }
  }

  private async readRestored(key: string, jobId: string, range?: ByteRange): Promise<ByteBody> {
    this.assertKey(key);
    if (key === EMPTY) return (async function* () {})();
    try {
      const res = await this.client.send(
        new GetJobOutputCommand({
          ...this.vault,
          jobId,
          range: range ? `bytes=${range.start}-${range.end}` : undefined,
        }),
      );
      const servedFrom = Number(/^bytes (\d+)-/.exec(res.contentRange ?? '')?.[1] ?? 0);
      const stream = res.body as AsyncIterable<Uint8Array> & { destroy?(): void };
      const skip = range ? range.start - servedFrom : 0;
      return exactly(
        stream,
        skip,
        range ? range.end - range.start + 1 : Infinity,
        skip === 0 ? res.checksum : undefined,
      );
    } catch (error) {
      if (isNotFound(error) || isNotYetAvailable(error)) throw new RestoreNotReadyError(this.id, key);
      throw error;
    }
  }

  /** The part's tree hash; its leaves join the archive's (parts start on MiB boundaries). */
  private hashBody(bytes: Buffer, archiveLeaves: Buffer[]): string {
    const tree = new TreeHash().update(bytes);
    archiveLeaves.push(...tree.leaves());
    const checksum = tree.digest();
    this.hashed.set(bytes, [createHash('sha256').update(bytes).digest('hex'), checksum]);
    return checksum;
  }

  private refuseMismatch(expected: string | undefined, actual: string): void {
    if (expected !== undefined && expected !== actual) throw new ChecksumMismatchError(expected, actual);
  }

  private archiveKey(archiveId: string | undefined): string {
    if (!archiveId) throw new Error(`vault ${this.config.vault} answered without an archive id`);
    return StorageLocation.of(this.id, archiveId).key;
  }

  private assertKey(key: string): void {
    StorageLocation.of(this.id, key); // refuses absolute keys and `..`, as for every provider
  }
}

/**
 * Cuts a body into Buffers of `size` bytes; the last one (possibly short, or empty for an empty
 * body) says so. A full part is handed on only once a further byte arrives, so `last` is exact.
 */
async function* parts(
  source: AsyncIterable<Uint8Array>,
  size: number,
): AsyncGenerator<{ bytes: Buffer; last: boolean }> {
  let part = Buffer.allocUnsafe(size);
  let filled = 0;
  for await (let chunk of source) {
    while (chunk.byteLength > 0) {
      if (filled === size) {
        yield { bytes: part, last: false };
        part = Buffer.allocUnsafe(size); // never reused: the previous one may still be on the wire
        filled = 0;
      }
      const take = Math.min(size - filled, chunk.byteLength);
      part.set(chunk.subarray(0, take), filled);
      filled += take;
      chunk = chunk.subarray(take);
    }
  }
  yield { bytes: part.subarray(0, filled), last: true };
}

/**
 * Yields `length` bytes after skipping `skip` (a server that answers more than the range asked),
 * fails if fewer arrive, and checks the tree hash Glacier sent for what it served.
 */
async function* exactly(
  source: AsyncIterable<Uint8Array> & { destroy?(): void },
  skip: number,
  length: number,
  treeHash?: string,
): ByteBody {
  const tree = treeHash ? new TreeHash() : undefined;
  let position = 0;
  let sent = 0;
  try {
    for await (const chunk of source) {
      tree?.update(chunk);
      const from = Math.max(0, skip - position);
      const to = Math.min(chunk.length, skip + length - position);
      position += chunk.length;
      if (to > from) {
        sent += to - from;
        yield chunk.subarray(from, to);
      }
      if (position >= skip + length) break;
    }
    if (Number.isFinite(length) && sent < length) throw new Error(`job output ended after ${sent} of ${length} bytes`);
    // Checked only when what was served is exactly what was passed on; the hash covers the served bytes.
    if (tree && position === sent && tree.digest() !== treeHash)
      throw new Error('job output does not match the tree hash Glacier sent for it');
  } finally {
    source.destroy?.();
  }
}

/** Fallback for bodies not cut here (InitiateJob's JSON): small, so hashed whole. */
async function smallBodyChecksums(body: unknown): Promise<[string, string]> {
  if (typeof body !== 'string' && !(body instanceof Uint8Array))
    throw new Error('glacier-vault sends only byte bodies it has hashed');
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  return [createHash('sha256').update(bytes).digest('hex'), new TreeHash().update(bytes).digest()];
}

function isNotFound(error: unknown): boolean {
  const e = error as GlacierServiceException;
  return e?.name === 'ResourceNotFoundException' || e?.$metadata?.httpStatusCode === 404;
}

/** Glacier answers 400 InvalidParameterValueException for the output of a job still running. */
function isNotYetAvailable(error: unknown): boolean {
  const e = error as GlacierServiceException;
  return e?.name === 'InvalidParameterValueException' && /not currently available/i.test(e.message);
}
