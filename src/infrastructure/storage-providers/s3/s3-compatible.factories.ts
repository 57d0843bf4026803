import { StorageCapabilities } from '../../../domain/storage';
import { S3ProviderConfig } from '../../config/app-config';
import { StorageProviderFactory } from '../shared/provider-config';
import { S3CompatibleProvider } from './s3-compatible.provider';

const INSTANT: Omit<StorageCapabilities, 'maxObjectSize'> = {
  instantAccess: true,
  rangeReads: true,
  retrievalRequired: false,
  retrievalTiers: [],
  deletion: 'immediate',
  minimumStorageDays: 0,
};

function settings(id: string, s3: S3ProviderConfig | undefined, variable: string): S3ProviderConfig {
  if (!s3) throw new Error(`${id} needs ${variable}.`);
  return s3;
}

/** `s3-standard`: objects in any S3-compatible bucket, instantly readable, ranged reads. */
export const s3StandardProviderFactory: StorageProviderFactory = {
  id: 's3-standard',
  create: ({ config }) =>
    new S3CompatibleProvider({
      id: 's3-standard',
      ...settings('s3-standard', config.storage.s3, 'STORAGE_S3_BUCKET'),
      capabilities: { ...INSTANT, maxObjectSize: 5 * 1024 ** 4 }, // S3's own limit (5 TiB)
    }),
};

/**
 * `backblaze-b2`: the same adapter against B2's S3 API. B2 stores one class (no storage-class
 * header is sent) and refuses the SDK's checksum headers, which the adapter only sends when an
 * operation requires them.
 */
export const backblazeB2ProviderFactory: StorageProviderFactory = {
  id: 'backblaze-b2',
  create: ({ config }) =>
    new S3CompatibleProvider({
      id: 'backblaze-b2',
      ...settings('backblaze-b2', config.storage.b2, 'STORAGE_B2_BUCKET'),
      capabilities: { ...INSTANT, maxObjectSize: 10 * 1000 ** 4 }, // B2's large-file limit (10 TB)
    }),
};
