/**
 * Port: a lock per upload that holds across every API instance, so two requests never write the
 * same upload at once. `signal` aborts when the lock is lost (e.g. the lock store went away).
 */
export interface UploadLock {
  /** Throws UploadLockedError at once when another request holds the upload. */
  withLock<T>(uploadId: string, work: (signal: AbortSignal) => Promise<T>): Promise<T>;
}
export const UPLOAD_LOCK = Symbol('UploadLock');
