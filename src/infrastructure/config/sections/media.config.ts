import { EnvReader } from '../env-reader';
import { readSecretKeyList, SecretKey } from '../secret-keys';
import { checkEnabled, StorageConfig } from './storage.config';

export interface MediaConfig {
  /**
   * Where thumbnails and previews are stored (THUMBNAIL_PROVIDER); unset: the file's provider if it
   * reads instantly, else the default.
   */
  provider?: string;
  /** Signed content and thumbnail URLs (for `<img>` and `<video>`, which cannot send a token). */
  urls: MediaUrlsConfig;
}

export interface MediaUrlsConfig {
  /**
   * MEDIA_URL_KEYS: the first signs, all verify; a key taken out of the list revokes every URL it
   * signed. Undefined outside production: generated and kept under DATA_DIR.
   */
  keys?: SecretKey[];
  /** How long a URL lasts when the client does not say (MEDIA_URL_TTL_S). */
  ttlSeconds: number;
  /** The longest a client may ask for (MEDIA_URL_MAX_TTL_S). */
  maxTtlSeconds: number;
}

const DAY_S = 86_400;

export function readMediaConfig(env: EnvReader, storage: StorageConfig, nodeEnv: string): MediaConfig {
  const provider = env.string('THUMBNAIL_PROVIDER');
  checkEnabled(env, 'THUMBNAIL_PROVIDER', provider, storage);
  return { provider, urls: readMediaUrlsConfig(env, nodeEnv) };
}

function readMediaUrlsConfig(env: EnvReader, nodeEnv: string): MediaUrlsConfig {
  const maxTtlSeconds = env.integer('MEDIA_URL_MAX_TTL_S', 7 * DAY_S, 60, 365 * DAY_S);
  const ttlSeconds = env.integer('MEDIA_URL_TTL_S', Math.min(3600, maxTtlSeconds), 60, 365 * DAY_S);
  if (ttlSeconds > maxTtlSeconds)
    env.problem(`MEDIA_URL_TTL_S (${ttlSeconds}) must not exceed MEDIA_URL_MAX_TTL_S (${maxTtlSeconds})`);
  return {
    keys: readSecretKeyList(env, 'MEDIA_URL_KEYS', nodeEnv, 'it signs content and thumbnail URLs'),
    ttlSeconds,
    maxTtlSeconds,
  };
}
