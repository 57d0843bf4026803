import { StorageClass } from '@aws-sdk/client-s3';
import { StorageCapabilities } from '../../../domain/storage';

export interface S3CompatibleOptions {
  id: string;
  bucket: string;
  region: string;
  /** Any S3-compatible endpoint (MinIO, R2, Wasabi, B2); unset: AWS. */
  endpoint?: string;
  forcePathStyle?: boolean;
  credentials?: { accessKeyId: string; secretAccessKey: string };
  /** Prepended to every generated key, e.g. `flexstorage/`. */
  keyPrefix?: string;
  storageClass?: StorageClass;
  capabilities: StorageCapabilities;
  /**
   * The store supports object tagging (default true; B2's S3 API does not). A SHA-256 the client
   * did not declare up front is then kept as the object's `sha256` tag once the upload is done:
   * metadata cannot be added afterwards without a copy, and archive classes refuse that copy.
   */
  objectTagging?: boolean;
  /** Multipart part size; memory per upload is partSize × queueSize. */
  partSize?: number;
  queueSize?: number;
}
