import { Inject, Logger, Optional } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { File, FILE_REPOSITORY, FileRepository } from '../../../domain/files';
import { RENDITION_REPOSITORY, RenditionRepository } from '../../../domain/media';
import { CLOCK, Clock, STORAGE_PROVIDER_REGISTRY, StorageProviderRegistry } from '../../ports';
import { PurgeDeletedFilesCommand } from './purge-deleted-files.command';

const MAX_BATCHES_PER_RUN = 1_000;

/**
 * The trash is emptied after its retention period: the row goes first (with its events, in one
 * statement), the bytes after. A crash in between leaves bytes no row points at (space, never a
 * file that is listed but gone); a file restored meanwhile keeps everything.
 */
@CommandHandler(PurgeDeletedFilesCommand)
export class PurgeDeletedFilesHandler implements ICommandHandler<PurgeDeletedFilesCommand> {
  private readonly logger = new Logger('Purge');

  constructor(
    @Inject(FILE_REPOSITORY) private readonly files: FileRepository,
    @Inject(STORAGE_PROVIDER_REGISTRY) private readonly providers: StorageProviderRegistry,
    @Inject(CLOCK) private readonly clock: Clock,
    // Thumbnails and previews: their rows go with the file's row, their bytes with the file's.
    @Optional() @Inject(RENDITION_REPOSITORY) private readonly renditions?: RenditionRepository,
  ) {}

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
        const left = await this.purgeOne(file, retentionMs, now);
        if (left === null) continue;
        totals.purged++;
        totals.bytesLeft += left;
      }
    }
    return totals;
  }

  /** Answers how many stored objects stayed behind, or null when the file changed meanwhile (restored). */
  private async purgeOne(file: File, retentionMs: number, now: Date): Promise<number | null> {
    file.purge(retentionMs, now);
    const renditions = (await this.renditions?.findAll(file.id)) ?? [];
    if (!(await this.files.purge(file))) return null;
    let left = 0;
    for (const location of [...file.locations, ...renditions.flatMap((r) => (r.location ? [r.location] : []))]) {
      try {
        if (this.providers.has(location.providerId)) await this.providers.get(location.providerId).delete(location.key);
      } catch (error) {
        left++;
        this.logger.warn(
          `purged file ${file.id}: its bytes on ${location.providerId} stay behind: ${(error as Error).message}`,
        );
      }
    }
    return left;
  }
}
