import { StorageProviderFactory } from '../shared/provider-config';
import { S3CompatibleProvider } from './s3-compatible.provider';

/** `s3-standard`: objects in any S3-compatible bucket, instantly readable, ranged reads. */
export const s3StandardProviderFactory: StorageProviderFactory = {
  id: 's3-standard',
  create: ({ config }) => {
    const s3 = config.storage.s3;
    if (!s3) throw new Error('s3-standard needs STORAGE_S3_BUCKET.');
    return new S3CompatibleProvider({
      id: 's3-standard',
      ...s3,
      capabilities: {
        instantAccess: true,
        rangeReads: true,
        retrievalRequired: false,
        retrievalTiers: [],
        maxObjectSize: 5 * 1024 ** 4, // S3's own limit (5 TiB)
        deletion: 'immediate',
        minimumStorageDays: 0,
      },
    });
  },
};
