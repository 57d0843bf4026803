/** Deployment settings for resumable uploads. */
export interface UploadSettings {
  /** Largest Upload-Length accepted (tus `Tus-Max-Size`). */
  maxSize: number;
  /** An upload without progress for this long expires and its staged bytes are removed. */
  ttlMs: number;
  /** Bytes one user's unfinished uploads may reserve together (declared lengths). */
  maxReservedBytesPerUser: number;
  /** Unfinished uploads one user may have at once. */
  maxActivePerUser: number;
  /**
   * A creation request that carries the whole file, up to this size, streams straight into the
   * storage provider instead of through staging (a lost request is re-sent whole anyway).
   */
  directMaxBytes: number;
  /** Ended uploads still answer HEAD (a client confirming its upload) for this long. */
  endedRetentionMs: number;
}
export const UPLOAD_SETTINGS = Symbol('UploadSettings');
