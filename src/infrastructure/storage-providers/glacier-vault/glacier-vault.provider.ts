import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  DeleteArchiveCommand,
  DescribeVaultCommand,
  GlacierClient,
  GlacierServiceException,
  InitiateMultipartUploadCommand,
  UploadArchiveCommand,
  UploadMultipartPartCommand,
} from '@aws-sdk/client-glacier';
import { createHash } from 'node:crypto';
import { ChecksumMismatchError, StorageLocation } from '../../../domain/files';
import {
  ArchiveRetrieval,
  ByteBody,
  ObjectHead,
  ProviderHealth,
  RestoreNotReadyError,
  StorageCapabilities,
  StorageProvider,
  WriteOptions,
  WriteResult,
} from '../../../domain/storage';
import { EMPTY, parts, smallBodyChecksums } from './glacier-vault.bodies';
import { GlacierVaultRetrieval, isNotFound } from './glacier-vault.retrieval';
import { GlacierVaultConfig } from './glacier-vault.settings';
import { meter } from '../shared/metered-body';
import { combineTreeHash, TreeHash } from './tree-hash';

const MiB = 1024 * 1024;
/** Glacier wants 1 MiB × 2^n; 8 MiB keeps two parts (16 MiB) per upload in memory, at most. */
const PART_SIZE = 8 * MiB;

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
    this.retrieval = new GlacierVaultRetrieval(this.id, this.client, this.vault, (key: string) => this.assertKey(key));
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
        // Before anything becomes an archive.
        if (last) this.refuseMismatch(options.expectedSha256, metered.result().sha256);
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
