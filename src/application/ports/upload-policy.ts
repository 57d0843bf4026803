import { StorageProviderSelector } from '../../domain/storage';

/** Deployment settings the upload use cases follow. */
export interface UploadPolicy {
  maxFileSize: number;
  /** Bytes of live files one user may keep; null: no quota. */
  storageQuotaBytes: number | null;
  selector: StorageProviderSelector;
}
export const UPLOAD_POLICY = Symbol('UploadPolicy');
