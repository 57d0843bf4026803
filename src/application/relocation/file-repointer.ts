import { ConcurrentModificationError, FileRepository, StorageLocation } from '../../domain/files';
import { StorageProvider, WriteResult } from '../../domain/storage';
import { Clock } from '../ports';
import { retryOnConflict } from '../shared/retry-on-conflict';

/**
 * Points a file at its new copy in one save (with its FileRelocated event), or removes the copy
 * when nothing will point at it: a file changed meanwhile is reloaded and repointed if it still is
 * where the copy came from; one deleted or moved meanwhile keeps what it has.
 */
export class FileRepointer {
  constructor(
    private readonly files: FileRepository,
    private readonly clock: Clock,
  ) {}

  /** True when the file now points at the copy; false when the copy was removed instead. */
  async repointOrDiscard(
    fileId: string,
    source: StorageLocation,
    target: StorageProvider,
    written: WriteResult,
  ): Promise<boolean> {
    const moved = await this.repoint(fileId, source, target, written).catch(async (error: unknown) => {
      // Refused for a version conflict every time: certainly not saved, so nothing points at the
      // copy (the retry makes another). Any other failure may have been saved: the copy stays.
      if (error instanceof ConcurrentModificationError) await target.delete(written.key).catch(() => undefined);
      throw error;
    });
    if (!moved) await target.delete(written.key).catch(() => undefined);
    return moved;
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
}
