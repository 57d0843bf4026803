import { DEFAULT_MAX_FILE_SIZE } from '../../../domain/files';
import { EnvReader } from '../env-reader';

export interface FilesConfig {
  maxFileSize: number;
  /** Bytes of live files one user may keep (the trash not counted); null: no quota. */
  storageQuotaBytes: number | null;
}

export function readFilesConfig(env: EnvReader): FilesConfig {
  return {
    maxFileSize: env.byteSize('MAX_FILE_SIZE', DEFAULT_MAX_FILE_SIZE, { example: '5GiB or 104857600' }),
    storageQuotaBytes: env.byteSize('STORAGE_QUOTA', undefined, { example: '10GiB', min: 1 }) ?? null,
  };
}
