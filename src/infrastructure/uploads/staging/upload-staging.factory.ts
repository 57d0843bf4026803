import { UploadStaging } from '../../../application/ports';
import { AppConfig } from '../../config/app-config';
import { DatabaseStaging } from './database.staging';
import { LocalDiskStaging } from './local-disk.staging';

/** UPLOAD_STAGING picks the store: `local` (one node, or a shared volume) or `database` (any number of nodes). */
export function buildUploadStaging(config: AppConfig, databaseUrl: string): UploadStaging {
  const policy = { bytes: config.uploads.checkpointBytes, ms: config.uploads.checkpointMs };
  return config.uploads.staging === 'database'
    ? new DatabaseStaging(databaseUrl, policy)
    : new LocalDiskStaging(config.uploads.stagingDir, policy);
}
