import { Inject, Logger, Optional } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { ConcurrentModificationError, FILE_REPOSITORY, FileRepository, StorageLocation } from '../../../domain/files';
import { RETRIEVAL_REQUEST_REPOSITORY, RetrievalRequestRepository } from '../../../domain/retrieval';
import { StorageProvider, WriteResult } from '../../../domain/storage';
import {
  CLOCK,
  Clock,
  RETRIEVAL_POLLS,
  RetrievalPolls,
  STORAGE_PROVIDER_REGISTRY,
  StorageProviderRegistry,
} from '../../ports';
import { RetrievalRequests } from '../../retrieval/retrieval-requests';
import { retryOnConflict } from '../../shared/retry-on-conflict';
import { RenditionFollower } from '../rendition-follower';
import { copyChecked } from '../relocation-copy';
import { RelocationSource } from '../relocation-source';
import { RelocateFileCommand, RelocationOutcome } from './relocate-file.command';

export { RelocationRestoreFailedError } from '../relocation-source';

/**
 * Moves one file's bytes to another provider, safely at every step:
 * 1. an archived source is restored first (joining a running restore); the job waits meanwhile;
 * 2. the bytes stream from source to target, which checks them against the file's SHA-256, so a
 *    corrupt source never replaces good bytes;
 * 3. the file is repointed in one save (with its FileRelocated event). A file changed meanwhile is
 *    reloaded and repointed if it still is where the copy came from; one deleted or moved meanwhile
 *    keeps what it has and the new copy is removed;
 * 4. the old copy is removed RELOCATION_OLD_COPY_GRACE_S after the save, by the relocated-object
 *    cleanup (an event subscriber queuing a delayed delete-given-up-copies job), so no crash
 *    leaves the file pointing at bytes that are gone.
 * Idempotent: a file already on the target is skipped.
 */
@CommandHandler(RelocateFileCommand)
export class RelocateFileHandler implements ICommandHandler<RelocateFileCommand, RelocationOutcome> {
  private readonly logger = new Logger('Relocation');
  private readonly source: RelocationSource;

  constructor(
    @Inject(FILE_REPOSITORY) private readonly files: FileRepository,
    @Inject(RETRIEVAL_REQUEST_REPOSITORY) retrievals: RetrievalRequestRepository,
    @Inject(STORAGE_PROVIDER_REGISTRY) private readonly providers: StorageProviderRegistry,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(RETRIEVAL_POLLS) polls: RetrievalPolls,
    requests: RetrievalRequests,
    /** Thumbnails follow the file off the provider it left (absent in unit tests: none move). */
    @Optional() private readonly renditions?: RenditionFollower,
  ) {
    this.source = new RelocationSource(retrievals, providers, clock, polls, requests);
  }

  async execute(command: RelocateFileCommand): Promise<RelocationOutcome> {
    const { fileId, toProviderId, run } = command;
    const file = await this.files.findById(fileId);
    if (!file) return { status: 'skipped', reason: 'the file no longer exists' };
    const blocked = file.whyCannotMoveTo(toProviderId);
    if (blocked) return { status: 'skipped', reason: blocked.message };
    const target = this.providers.get(toProviderId);
    const source = await this.source.open(file, command);
    if (source.status === 'waiting') return source;

    const written = await copyChecked(source.body, file, target, run);
    const moved = await this.repoint(fileId, source.location, target, written).catch(async (error: unknown) => {
      // Refused for a version conflict every time: certainly not saved, so nothing points at the
      // copy (the retry makes another). Any other failure may have been saved: the copy stays.
      if (error instanceof ConcurrentModificationError) await target.delete(written.key).catch(() => undefined);
      throw error;
    });
    if (!moved) {
      await target.delete(written.key).catch(() => undefined);
      const reason = 'the file changed while it was copied (deleted or moved); it keeps what it has';
      return { status: 'skipped', reason };
    }
    if (source.restored) await this.source.release(source.restored);
    const from = source.location.providerId;
    const renditions = await this.followRenditions(fileId, from, toProviderId, run.signal);
    this.logger.log(`file ${fileId} moved from ${from} to ${toProviderId} (${written.size} bytes)`);
    return { status: 'relocated', fromProviderId: from, toProviderId, bytes: written.size, renditions };
  }

  /** Points the file at the new copy; false when the file is no longer where the copy came from. */
  private repoint(
    fileId: string,
    source: StorageLocation,
    target: StorageProvider,
    written: WriteResult,
  ): Promise<boolean> {
    const location = StorageLocation.of(target.id, written.key);
    // Edited meanwhile (metadata, a concurrent restore): load it again and repoint that.
    return retryOnConflict(3, async () => {
      const file = await this.files.findById(fileId);
      if (!file || file.whyCannotMoveTo(target.id) || !file.isAt(source)) return false;
      file.relocate(location, target.capabilities.retrievalRequired, this.clock.now());
      await this.files.save(file);
      return true;
    });
  }

  private async followRenditions(fileId: string, from: string, to: string, signal?: AbortSignal): Promise<number> {
    if (!this.renditions) return 0;
    return this.renditions.follow(fileId, from, to, signal).catch((error: Error) => {
      this.logger.warn(`file ${fileId}: its renditions stay on ${from}: ${error.message}`);
      return 0;
    });
  }
}
