import { SecretKey } from './secret-keys';

/** Settings resolved at start-up (services found or started, secrets loaded), after AppConfig. */
export interface RuntimeSettings {
  databaseUrl: string;
  redisUrl: string;
  jwtSecret: string;
  /** WEBHOOK_SECRET_KEYS, or (outside production) the generated key list kept under DATA_DIR. */
  webhookSecretKeys: SecretKey[];
  /** MEDIA_URL_KEYS, or (outside production) the generated key list kept under DATA_DIR. */
  mediaUrlKeys: SecretKey[];
}
export const RUNTIME = Symbol('RuntimeSettings');
