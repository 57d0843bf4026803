import { Logger } from '@nestjs/common';
import { File, FileRepository } from '../../domain/files';
import { RenditionRepository } from '../../domain/media';
import { StorageProviderRegistry } from '../ports';

/**
 * Purges one trashed file: the row goes first (with its events, in one statement), the bytes after,
 * its renditions' bytes with them. An object that cannot be deleted now is counted and left behind.
 */
export class FilePurger {
  private readonly logger = new Logger('Purge');

  constructor(
    private readonly files: FileRepository,
    private readonly providers: StorageProviderRegistry,
    private readonly renditions?: RenditionRepository,
  ) {}

  /** Answers how many stored objects stayed behind, or null when the file changed meanwhile (restored). */
  async purge(file: File, retentionMs: number, now: Date): Promise<number | null> {
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
