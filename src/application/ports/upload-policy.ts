import { StorageProviderSelector } from '../../domain/storage';

/** Deployment settings the upload use cases follow. */
export interface UploadPolicy {
  maxFileSize: number;
  selector: StorageProviderSelector;
}
export const UPLOAD_POLICY = Symbol('UploadPolicy');
