import { EnvReader } from '../env-reader';
import { checkEnabled, StorageConfig } from './storage.config';

export interface MediaConfig {
  /**
   * Where thumbnails and previews are stored (THUMBNAIL_PROVIDER); unset: the file's provider if it
   * reads instantly, else the default.
   */
  provider?: string;
}

export function readMediaConfig(env: EnvReader, storage: StorageConfig): MediaConfig {
  const provider = env.string('THUMBNAIL_PROVIDER');
  checkEnabled(env, 'THUMBNAIL_PROVIDER', provider, storage);
  return { provider };
}
