import { StorageCapabilities } from '../../../domain/storage';
import { StorageProviderFactory } from '../shared/provider-config';
import { S3CompatibleProvider } from './s3-compatible.provider';
import { readS3Settings, S3ProviderConfig } from './s3-settings';

const INSTANT: Omit<StorageCapabilities, 'maxObjectSize'> = {
  instantAccess: true,
  rangeReads: true,
  retrievalRequired: false,
  retrievalTiers: [],
  deletion: 'immediate',
  minimumStorageDays: 0,
};

type S3Factory = StorageProviderFactory<S3ProviderConfig | undefined>;

function settings(id: string, s3: S3ProviderConfig | undefined, variable: string): S3ProviderConfig {
  if (!s3) throw new Error(`${id} needs ${variable}.`);
  return s3;
}

const AWS = { region: 'us-east-1' };

/** `s3-standard`: objects in any S3-compatible bucket, instantly readable, ranged reads. */
export const s3StandardProviderFactory: S3Factory = {
  id: 's3-standard',
  envPrefix: 'STORAGE_S3_',
  readSettings: (section, context) => readS3Settings('s3-standard', section, context, AWS),
  create: (s3) =>
    new S3CompatibleProvider({
      id: 's3-standard',
      ...settings('s3-standard', s3, 'STORAGE_S3_BUCKET'),
      capabilities: { ...INSTANT, maxObjectSize: 5 * 1024 ** 4 }, // S3's own limit (5 TiB)
    }),
};

/**
 * `backblaze-b2`: the same adapter against B2's S3 API. B2 stores one class (no storage-class
 * header is sent) and refuses the SDK's checksum headers, which the adapter only sends when an
 * operation requires them.
 */
export const backblazeB2ProviderFactory: S3Factory = {
  id: 'backblaze-b2',
  envPrefix: 'STORAGE_B2_',
  // B2's S3 API lives at an endpoint per region; its keys are a key id and an application key.
  readSettings: (section, context) =>
    readS3Settings('backblaze-b2', section, context, {
      region: 'us-west-004',
      endpoint: (region) => `https://s3.${region}.backblazeb2.com`,
      keyNames: ['KEY_ID', 'APPLICATION_KEY'],
    }),
  create: (b2) =>
    new S3CompatibleProvider({
      id: 'backblaze-b2',
      ...settings('backblaze-b2', b2, 'STORAGE_B2_BUCKET'),
      capabilities: { ...INSTANT, maxObjectSize: 10 * 1000 ** 4 }, // B2's large-file limit (10 TB)
      objectTagging: false, // not in B2's S3 API: a computed SHA-256 is kept only in the database
    }),
};

/** Archive classes: nothing is readable before a restore; early deletion is billed as if kept. */
const ARCHIVE = {
  instantAccess: false,
  rangeReads: true, // once restored
  retrievalRequired: true,
  deletion: 'minimum-retention',
  maxObjectSize: 5 * 1024 ** 4,
} as const;

/** `s3-deep-archive`: StorageClass DEEP_ARCHIVE; restores take about 12 h (standard) or 48 h (bulk). */
export const s3DeepArchiveProviderFactory: S3Factory = {
  id: 's3-deep-archive',
  // The archive classes are the same adapter with another storage class, and their own bucket settings.
  envPrefix: 'STORAGE_DEEP_ARCHIVE_',
  readSettings: (section, context) => readS3Settings('s3-deep-archive', section, context, AWS),
  create: (deepArchive) =>
    new S3CompatibleProvider({
      id: 's3-deep-archive',
      ...settings('s3-deep-archive', deepArchive, 'STORAGE_DEEP_ARCHIVE_BUCKET'),
      storageClass: 'DEEP_ARCHIVE',
      capabilities: {
        ...ARCHIVE,
        retrievalTiers: ['standard', 'bulk'],
        retrievalMinutes: { standard: 720, bulk: 2880 },
        minimumStorageDays: 180,
      },
    }),
};

/** `s3-flexible-retrieval`: StorageClass GLACIER; restores take minutes (expedited) to 12 h (bulk). */
export const s3FlexibleRetrievalProviderFactory: S3Factory = {
  id: 's3-flexible-retrieval',
  envPrefix: 'STORAGE_FLEXIBLE_RETRIEVAL_',
  readSettings: (section, context) => readS3Settings('s3-flexible-retrieval', section, context, AWS),
  create: (flexibleRetrieval) =>
    new S3CompatibleProvider({
      id: 's3-flexible-retrieval',
      ...settings('s3-flexible-retrieval', flexibleRetrieval, 'STORAGE_FLEXIBLE_RETRIEVAL_BUCKET'),
      storageClass: 'GLACIER',
      capabilities: {
        ...ARCHIVE,
        retrievalTiers: ['expedited', 'standard', 'bulk'],
        retrievalMinutes: { expedited: 5, standard: 300, bulk: 720 },
        minimumStorageDays: 90,
      },
    }),
};
