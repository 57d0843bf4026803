import { EnvReader } from '../../config/env-reader';
import { KeyPair, readKeyPair } from '../shared/key-pair-settings';
import { SettingsContext } from '../shared/provider-config';

/** One S3-compatible provider's bucket, from its section: `BUCKET`, `REGION`, `ENDPOINT`, … */
export interface S3ProviderConfig {
  bucket: string;
  region: string;
  endpoint?: string;
  forcePathStyle: boolean;
  /** Unset: the AWS SDK's default credential chain (environment, profile, instance role). */
  credentials?: KeyPair;
  keyPrefix: string;
}

export interface S3SectionDefaults {
  region: string;
  /** The store's endpoint for a region when `ENDPOINT` is unset; none: AWS. */
  endpoint?: (region: string) => string;
  /** The section's names of the key id and its secret. */
  keyNames?: [string, string];
}

/** Undefined without a bucket: then the provider cannot be built (and must not be enabled). */
export function readS3Settings(
  providerId: string,
  env: EnvReader,
  { enabled }: SettingsContext,
  defaults: S3SectionDefaults,
): S3ProviderConfig | undefined {
  const bucket = env.string('BUCKET');
  if (enabled && bucket === undefined) {
    env.problem(`${env.name('BUCKET')} is required when STORAGE_PROVIDERS includes ${providerId}`);
  }
  const [idKey, secretKey] = defaults.keyNames ?? ['ACCESS_KEY_ID', 'SECRET_ACCESS_KEY'];
  const credentials = readKeyPair(env, idKey, secretKey);
  if (bucket === undefined) return undefined;
  const region = env.string('REGION', defaults.region);
  return {
    bucket,
    region,
    endpoint: env.url('ENDPOINT', ['https:', 'http:']) ?? defaults.endpoint?.(region),
    forcePathStyle: env.boolean('FORCE_PATH_STYLE', false),
    credentials,
    keyPrefix: env.string('PREFIX', ''),
  };
}
