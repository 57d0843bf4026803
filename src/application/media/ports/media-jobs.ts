/**
 * Port: background work on media. Enqueuing the same file twice makes one job (its id is derived
 * from the file), so a redelivered event costs nothing.
 */
export interface MediaJobs {
  /** `ownerId` rides along so the owner can follow the job through the job status API. */
  enqueueThumbnails(fileId: string, ownerId: string): Promise<void>;
}
export const MEDIA_JOBS = Symbol('MediaJobs');
