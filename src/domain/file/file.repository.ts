import { File } from './file';

/** Port: loads and saves File aggregates. `save` also stores the aggregate's pending events. */
export interface FileRepository {
  findById(id: string): Promise<File | null>;
  /** The owner's live (completed or archived) file with these bytes, if any. */
  findLiveByOwnerAndHash(ownerId: string, sha256: string): Promise<File | null>;
  /**
   * Persists state and pending events atomically. Throws DuplicateActiveFileError when the owner
   * already has a live file with the same hash, ConcurrentModificationError on a stale version.
   */
  save(file: File): Promise<void>;
}

export const FILE_REPOSITORY = Symbol('FileRepository');
