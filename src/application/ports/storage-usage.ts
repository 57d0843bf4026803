/** How much a user stores, as of the last recount. */
export interface StorageUsageView {
  files: number;
  bytes: number;
  /** Soft-deleted files still counted until they are purged. */
  trashFiles: number;
  trashBytes: number;
  /** Null: never recounted (a user with no files yet). */
  recountedAt: Date | null;
}

/** Port: per-user storage counters, recounted from the files themselves. */
export interface StorageUsage {
  of(ownerId: string): Promise<StorageUsageView>;
  /** Recomputes every user's counters in one pass; answers how many users were counted. */
  recount(): Promise<number>;
}
export const STORAGE_USAGE = Symbol('StorageUsage');
