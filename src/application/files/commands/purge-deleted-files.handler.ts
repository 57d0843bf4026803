import { Inject, Optional } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { FILE_REPOSITORY, FileRepository } from '../../../domain/files';
import { RENDITION_REPOSITORY, RenditionRepository } from '../../../domain/media';
import { CLOCK, Clock, STORAGE_PROVIDER_REGISTRY, StorageProviderRegistry } from '../../ports';
import { FilePurger } from '../file-purger';
import { PurgeDeletedFilesCommand } from './purge-deleted-files.command';

const MAX_BATCHES_PER_RUN = 1_000;

/**
 * The trash is emptied after its retention period: the row goes first (with its events, in one
 * statement), the bytes after. A crash in between leaves bytes no row points at (space, never a
 * file that is listed but gone); a file restored meanwhile keeps everything.
 */
@CommandHandler(PurgeDeletedFilesCommand)
export class PurgeDeletedFilesHandler implements ICommandHandler<PurgeDeletedFilesCommand> {
  private readonly purger: FilePurger;

  constructor(
    @Inject(FILE_REPOSITORY) private readonly files: FileRepository,
    @Inject(STORAGE_PROVIDER_REGISTRY) providers: StorageProviderRegistry,
    @Inject(CLOCK) private readonly clock: Clock,
    // Thumbnails and previews: their rows go with the file's row, their bytes with the file's.
    @Optional() @Inject(RENDITION_REPOSITORY) renditions?: RenditionRepository,
  ) {
    this.purger = new FilePurger(files, providers, renditions);
  }

  async execute({
    retentionMs,
    batchSize,
    signal,
  }: PurgeDeletedFilesCommand): Promise<{ purged: number; bytesLeft: number }> {
    const now = this.clock.now();
    const totals = { purged: 0, bytesLeft: 0 };
    // Batch after batch until the trash past its retention is empty (a bound keeps one run finite).
    for (let batch = 0, more = true; more && batch < MAX_BATCHES_PER_RUN; batch++) {
      const due = await this.files.findDeletedBefore(new Date(now.getTime() - retentionMs), batchSize);
      more = due.length === batchSize;
      for (const file of due) {
        signal?.throwIfAborted();
        const left = await this.purger.purge(file, retentionMs, now);
        if (left === null) continue;
        totals.purged++;
        totals.bytesLeft += left;
      }
    }
    return totals;
  }
}
