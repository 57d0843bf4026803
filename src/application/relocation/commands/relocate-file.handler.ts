import { Inject, Logger, Optional } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { FILE_REPOSITORY, FileRepository } from '../../../domain/files';
import { RETRIEVAL_REQUEST_REPOSITORY, RetrievalRequestRepository } from '../../../domain/retrieval';
import {
  CLOCK,
  Clock,
  RETRIEVAL_POLLS,
  RetrievalPolls,
  STORAGE_PROVIDER_REGISTRY,
  StorageProviderRegistry,
} from '../../ports';
import { RetrievalRequests } from '../../retrieval/retrieval-requests';
import { FileRepointer } from '../file-repointer';
import { RenditionFollower } from '../rendition-follower';
import { copyChecked } from '../relocation-copy';
import { RelocationSource } from '../relocation-source';
import { RelocateFileCommand, RelocationOutcome } from './relocate-file.command';

/**
 * Moves one file's bytes to another provider, safely at every step: an archived source is restored
 * first (RelocationSource; the job waits meanwhile); the bytes stream to the target, checked against
 * the file's SHA-256 (copyChecked); the file is repointed in one save, or the copy removed if the file
 * changed meanwhile (FileRepointer). The old copy goes RELOCATION_OLD_COPY_GRACE_S after the save, by
 * the relocated-object cleanup, so no crash leaves the file pointing at bytes that are gone.
 * Idempotent: a file already on the target is skipped.
 */
@CommandHandler(RelocateFileCommand)
export class RelocateFileHandler implements ICommandHandler<RelocateFileCommand, RelocationOutcome> {
  private readonly logger = new Logger('Relocation');
  private readonly source: RelocationSource;
  private readonly repointer: FileRepointer;

  constructor(
    @Inject(FILE_REPOSITORY) private readonly files: FileRepository,
    @Inject(RETRIEVAL_REQUEST_REPOSITORY) retrievals: RetrievalRequestRepository,
    @Inject(STORAGE_PROVIDER_REGISTRY) private readonly providers: StorageProviderRegistry,
    @Inject(CLOCK) clock: Clock,
    @Inject(RETRIEVAL_POLLS) polls: RetrievalPolls,
    requests: RetrievalRequests,
    /** Thumbnails follow the file off the provider it left (absent in unit tests: none move). */
    @Optional() private readonly renditions?: RenditionFollower,
  ) {
    this.source = new RelocationSource(retrievals, providers, clock, polls, requests);
    this.repointer = new FileRepointer(files, clock);
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
    if (!(await this.repointer.repointOrDiscard(fileId, source.location, target, written))) {
      const reason = 'the file changed while it was copied (deleted or moved); it keeps what it has';
      return { status: 'skipped', reason };
    }
    if (source.restored) await this.source.release(source.restored);
    const from = source.location.providerId;
    const renditions = (await this.renditions?.followBestEffort(fileId, from, toProviderId, run.signal)) ?? 0;
    this.logger.log(`file ${fileId} moved from ${from} to ${toProviderId} (${written.size} bytes)`);
    return { status: 'relocated', fromProviderId: from, toProviderId, bytes: written.size, renditions };
  }
}
