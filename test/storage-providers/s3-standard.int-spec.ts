import * as path from 'node:path';
import { S3CompatibleProvider } from '../../src/infrastructure/storage-providers/s3/s3-compatible.provider';
import { countFiles } from '../support/files-on-disk';
import { startS3rver } from '../support/s3rver';
import { describeStorageProviderContract } from './provider-contract';

const STANDARD = {
  instantAccess: true,
  rangeReads: true,
  retrievalRequired: false,
  retrievalTiers: [],
  maxObjectSize: null,
  deletion: 'immediate' as const,
  minimumStorageDays: 0,
};

describeStorageProviderContract(
  's3-standard (against s3rver)',
  async () => {
    const s3 = await startS3rver('flexstorage-test');
    const provider = new S3CompatibleProvider({
      id: 's3-standard',
      bucket: 'flexstorage-test',
      region: 'us-east-1',
      endpoint: s3.endpoint,
      forcePathStyle: true,
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
      keyPrefix: 'objects/',
      capabilities: STANDARD,
      partSize: 5 * 1024 * 1024,
    });
    return {
      provider,
      boundary: 5 * 1024 * 1024,
      // Objects s3rver keeps (`._S3rver_object` files) and multipart parts in flight.
      footprint: async () => ({
        objects: await countFiles(path.join(s3.directory, 'flexstorage-test'), (n) => n.endsWith('._S3rver_object')),
        parts: await countFiles(s3.directory, (n) => /part/i.test(n)),
      }),
      close: async () => {
        await provider.close();
        await s3.close();
      },
    };
  },
  // Big enough for the contract's deep range (37 to 53 parts of 5 MiB, the S3 minimum).
  { largeFileBytes: 272 * 1024 * 1024 },
);
