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
  /** Deleted files whose deletion is older than `before`, oldest first. */
  findDeletedBefore(before: Date, limit: number): Promise<File[]>;
  /**
   * Live (completed or archived) files whose bytes are on `providerId`, in id order after `afterId`:
   * the pages of a bulk move off a provider.
   */
  findLiveOnProvider(providerId: string, afterId: string | null, limit: number): Promise<File[]>;
  /**
   * Deletes a purged file's row (its retrieval requests with it) and writes its events, at the
   * version it was loaded at. False when it changed meanwhile (restored): then nothing happened.
   */
  purge(file: File): Promise<boolean>;
}

export const FILE_REPOSITORY = Symbol('FileRepository');
