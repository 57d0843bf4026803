import { Inject, Injectable } from '@nestjs/common';
import {
  ChecksumMismatchError,
  DuplicateActiveFileError,
  File,
  FILE_REPOSITORY,
  FileHash,
  FileMetadata,
  FileRepository,
  FileSize,
  FileType,
  StorageLocation,
  StorageQuotaExceededError,
  StoredBytes,
} from '../../domain/files';
import { StorageProvider, WriteResult } from '../../domain/storage';
import {
  CLOCK,
  Clock,
  ID_GENERATOR,
  IdGenerator,
  STORAGE_PROVIDER_REGISTRY,
  STORAGE_USAGE,
  StorageProviderRegistry,
  StorageUsage,
  UPLOAD_POLICY,
  UploadPolicy,
} from '../ports';
import { toFileView } from './file-view';
import { TrailingMetadata, UploadFileResult } from './commands/upload-file.command';

export interface IngestRequest {
  ownerId: string;
  metadata: FileMetadata;
  type: FileType;
  expectedSha256?: FileHash;
  /** Upper bound of the size when known before the bytes arrive. */
  sizeHint?: number;
  providerPreference?: string;
  /** Metadata that arrives only after the bytes; validated before the file is recorded. */
  trailingMetadata?: Promise<TrailingMetadata>;
  /** Puts the bytes into the chosen provider (streamed, hashed as they go). */
  store(provider: StorageProvider): Promise<WriteResult>;
  /**
   * Saves the new file; by default alone. A caller that must commit something with it (the upload
   * session it completes) saves both at once. Throws DuplicateActiveFileError as the repository does.
   */
  persist?(file: File): Promise<void>;
}

/**
 * The one way bytes become a File, for single-request and resumable uploads alike: choose the
 * provider, store, check the SHA-256, record the file. The stored object is removed again whenever
 * no new file row points at it: a checksum mismatch, a duplicate (the existing file is returned),
 * or a failed save.
 */
@Injectable()
export class FileIngestion {
  constructor(
    @Inject(FILE_REPOSITORY) private readonly files: FileRepository,
    @Inject(STORAGE_PROVIDER_REGISTRY) private readonly providers: StorageProviderRegistry,
    @Inject(UPLOAD_POLICY) private readonly policy: UploadPolicy,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(ID_GENERATOR) private readonly ids: IdGenerator,
    @Inject(STORAGE_USAGE) private readonly usage: StorageUsage,
  ) {}

  async ingest(request: IngestRequest): Promise<UploadFileResult> {
    const used = await this.assertWithinQuota(request.ownerId, request.sizeHint ?? 0);
    const provider = await this.avoidBilledDuplicate(request, await this.chooseProvider(request));
    const stored = await request.store(provider);
    try {
      // The size is exact only now (a chunked body, a tus upload without a size hint).
      if (used !== null && used + stored.size > this.policy.storageQuotaBytes!)
        throw new StorageQuotaExceededError(this.policy.storageQuotaBytes!, used);
      if (request.expectedSha256 && request.expectedSha256.hex !== stored.sha256) {
        throw new ChecksumMismatchError(request.expectedSha256.hex, stored.sha256);
      }
      // No lookup first: the save itself detects a live file with the same bytes (one round trip).
      const file = await this.createFile(request, {
        location: StorageLocation.of(provider.id, stored.key),
        size: FileSize.of(stored.size, this.policy.maxFileSize),
        hash: FileHash.sha256(stored.sha256),
        // Bytes in archive storage (Deep Archive, a vault) need a retrieval before they can be read.
        archived: provider.capabilities.retrievalRequired,
      });
      await (request.persist ? request.persist(file) : this.files.save(file));
      return { file: toFileView(file), duplicate: false };
    } catch (error) {
      await provider.delete(stored.key).catch(() => undefined);
      if (error instanceof DuplicateActiveFileError) {
        // The owner already has these bytes (or a concurrent upload of them just won).
        const winner = await this.files.findById(error.existingFileId);
        if (winner) return { file: toFileView(winner), duplicate: true };
      }
      throw error;
    }
  }

  /** The owner's usage when a quota applies (refusing an upload that cannot fit before any byte is stored). */
  private async assertWithinQuota(ownerId: string, incoming: number): Promise<number | null> {
    const quota = this.policy.storageQuotaBytes;
    if (quota === null) return null;
    const { bytes } = await this.usage.of(ownerId);
    if (bytes + incoming > quota) throw new StorageQuotaExceededError(quota, bytes);
    return bytes;
  }

  /** Whether a preference names a provider this deployment has, or a rule's preference (checked before any byte). */
  knowsProvider(id: string): boolean {
    return this.providers.has(id) || this.policy.selector.knowsPreference(id);
  }

  /** The File, with trailing metadata merged in and validated like the rest. */
  private async createFile(request: IngestRequest, bytes: StoredBytes): Promise<File> {
    let { metadata, type } = request;
    const trailing = await request.trailingMetadata;
    if (trailing) {
      metadata = metadata.with(trailing.metadata);
      type = type.withChanges(trailing);
    }
    return File.ingest({
      id: this.ids.next(),
      ownerId: request.ownerId,
      metadata,
      type,
      ...bytes,
      now: this.clock.now(),
    });
  }

  /**
   * A declared SHA-256 the owner already has, bound for storage with a minimum billed period: the
   * bytes still have to arrive and be checked, but they go to a provider that frees them at once,
   * since the duplicate's copy is dropped again (deleting it from Deep Archive would bill 180 days).
   */
  private async avoidBilledDuplicate(request: IngestRequest, chosen: StorageProvider): Promise<StorageProvider> {
    if (!request.expectedSha256 || chosen.capabilities.deletion !== 'minimum-retention') return chosen;
    if (!(await this.files.findLiveByOwnerAndHash(request.ownerId, request.expectedSha256.hex))) return chosen;
    const cheap = (await this.providers.candidates()).find(
      (c) =>
        c.healthy &&
        c.capabilities.deletion === 'immediate' &&
        (c.capabilities.maxObjectSize ?? Infinity) >= (request.sizeHint ?? 0),
    );
    return cheap ? this.providers.get(cheap.id) : chosen;
  }

  private async chooseProvider(request: IngestRequest): Promise<StorageProvider> {
    const preference = request.providerPreference;
    const id = this.policy.selector.select(
      {
        size: request.sizeHint,
        mimeType: request.type.mimeType,
        category: request.type.category,
        preference,
        requireInstantAccess: !preference,
      },
      await this.providers.candidates(),
    );
    return this.providers.get(id);
  }
}
