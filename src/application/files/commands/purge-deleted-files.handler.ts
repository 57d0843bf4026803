import { Inject, Logger, Optional } from '@nestjs/common';
import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { FILE_REPOSITORY, FileRepository } from '../../../domain/file';
import { RENDITION_REPOSITORY, RenditionRepository } from '../../../domain/media';
import { CLOCK, Clock, STORAGE_PROVIDER_REGISTRY, StorageProviderRegistry } from '../../ports';

export class PurgeDeletedFilesCommand extends Command<{ purged: number; bytesLeft: number }> {
  constructor(
    readonly retentionMs: number,
    readonly batchSize = 200,
  ) {
    super();
  }
}

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

  async execute({ retentionMs, batchSize }: PurgeDeletedFilesCommand): Promise<{ purged: number; bytesLeft: number }> {
    const now = this.clock.now();
    let purged = 0;
    let bytesLeft = 0;
    for (const file of await this.files.findDeletedBefore(new Date(now.getTime() - retentionMs), batchSize)) {
      file.purge(retentionMs, now);
      const renditions = (await this.renditions?.findAll(file.id)) ?? [];
      if (!(await this.files.purge(file))) continue;
      purged++;
      for (const location of [...file.locations, ...renditions.flatMap((r) => (r.location ? [r.location] : []))]) {
        try {
          if (this.providers.has(location.providerId)) await this.providers.get(location.providerId).delete(location.key);
        } catch (error) {
          bytesLeft++;
          this.logger.warn(`purged file ${file.id}: its bytes on ${location.providerId} stay behind: ${(error as Error).message}`);
        }
      }
    }
    return { purged, bytesLeft };
  }
}
