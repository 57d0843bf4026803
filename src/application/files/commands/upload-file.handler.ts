import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import {
  DuplicateActiveFileError,
  File,
  FILE_REPOSITORY,
  FileHash,
  FileMetadata,
  FileRepository,
  FileSize,
  FileType,
  StorageLocation,
} from '../../../domain/file';
import { StorageProvider } from '../../../domain/storage';
import { CLOCK, Clock, ID_GENERATOR, IdGenerator, STORAGE_PROVIDER_REGISTRY, StorageProviderRegistry, UPLOAD_POLICY, UploadPolicy } from '../../ports';
import { toFileView } from '../file-view';
import { UploadFileCommand, UploadFileResult } from './upload-file.command';

/**
 * Streams the body into the chosen provider (which hashes and counts in the same pass), then
 * records the file. The stored object is removed again whenever no new file row points at it:
 * a checksum mismatch, a duplicate (the existing file is returned), or a failed save.
 */
@CommandHandler(UploadFileCommand)
export class UploadFileHandler implements ICommandHandler<UploadFileCommand, UploadFileResult> {
  constructor(
    @Inject(FILE_REPOSITORY) private readonly files: FileRepository,
    @Inject(STORAGE_PROVIDER_REGISTRY) private readonly providers: StorageProviderRegistry,
    @Inject(UPLOAD_POLICY) private readonly policy: UploadPolicy,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(ID_GENERATOR) private readonly ids: IdGenerator,
  ) {}

  async execute(cmd: UploadFileCommand): Promise<UploadFileResult> {
    const metadata = FileMetadata.of(cmd.metadata);
    const type = FileType.of(cmd.mimeType, cmd.options.category);
    const expected = cmd.options.expectedSha256 ? FileHash.parse(cmd.options.expectedSha256) : undefined;
    const startedAt = this.clock.now();

    const provider = await this.chooseProvider(cmd, type);
    const stored = await provider.write(cmd.body, {
      maxBytes: this.policy.maxFileSize,
      contentType: type.mimeType,
      expectedSha256: expected?.hex,
      signal: cmd.options.signal,
    });
    try {
      const file = await this.createFile(cmd, metadata, type, startedAt);
      // No lookup first: the save itself detects a live file with the same bytes (one round trip).
      file.startUpload(StorageLocation.of(provider.id, stored.key), this.clock.now());
      file.completeUpload(FileSize.of(stored.size, this.policy.maxFileSize), FileHash.sha256(stored.sha256), this.clock.now());
      await this.files.save(file);
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

  /** The File, with trailing metadata merged in and validated like the rest. */
  private async createFile(cmd: UploadFileCommand, metadata: FileMetadata, type: FileType, now: Date): Promise<File> {
    const trailing = await cmd.options.trailingMetadata;
    if (trailing) {
      metadata = metadata.with(trailing.metadata);
      type = type.withChanges(trailing);
    }
    return File.create({ id: this.ids.next(), ownerId: cmd.actor.userId, metadata, type, now });
  }

  private async chooseProvider(cmd: UploadFileCommand, type: FileType): Promise<StorageProvider> {
    const preference = cmd.options.providerPreference;
    const id = this.policy.selector.select(
      {
        size: cmd.options.sizeHint,
        mimeType: type.mimeType,
        category: type.category,
        preference,
        requireInstantAccess: !preference,
      },
      await this.providers.candidates(),
    );
    return this.providers.get(id);
  }
}
