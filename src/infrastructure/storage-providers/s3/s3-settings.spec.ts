import { EnvReader } from '../../config/env-reader';
import { backblazeB2ProviderFactory, s3StandardProviderFactory } from './s3-compatible.factories';

/** A factory's section read the way loadConfig reads it: its prefix, and whether it is enabled. */
function read(factory: typeof s3StandardProviderFactory, env: Record<string, string>, enabled = true) {
  const root = new EnvReader(env);
  const settings = factory.readSettings(root.section(factory.envPrefix), { enabled });
  return { settings, problems: root.problems };
}

describe('an S3-compatible provider section', () => {
  it('reads its own STORAGE_S3_* variables, with AWS defaults', () => {
    const { settings, problems } = read(s3StandardProviderFactory, {
      STORAGE_S3_BUCKET: 'photos',
      STORAGE_S3_ACCESS_KEY_ID: 'AKIA',
      STORAGE_S3_SECRET_ACCESS_KEY: ' secret ',
      STORAGE_S3_PREFIX: 'flex/',
    });
    expect(problems).toEqual([]);
    expect(settings).toEqual({
      bucket: 'photos',
      region: 'us-east-1',
      endpoint: undefined,
      forcePathStyle: false,
      credentials: { accessKeyId: 'AKIA', secretAccessKey: ' secret ' },
      keyPrefix: 'flex/',
    });
  });

  it('requires the bucket only when the provider is enabled', () => {
    expect(read(s3StandardProviderFactory, {}).problems).toEqual([
      'STORAGE_S3_BUCKET is required when STORAGE_PROVIDERS includes s3-standard',
    ]);
    expect(read(s3StandardProviderFactory, {}, false)).toEqual({ settings: undefined, problems: [] });
  });

  it('names each failing variable of its section, all at once', () => {
    const { problems } = read(s3StandardProviderFactory, {
      STORAGE_S3_BUCKET: 'photos',
      STORAGE_S3_ACCESS_KEY_ID: 'AKIA',
      STORAGE_S3_ENDPOINT: 'localhost:9000',
      STORAGE_S3_FORCE_PATH_STYLE: 'sometimes',
    });
    expect(problems).toEqual([
      'STORAGE_S3_ACCESS_KEY_ID and STORAGE_S3_SECRET_ACCESS_KEY must be set together',
      'STORAGE_S3_ENDPOINT must be a https: or http:// URL',
      'STORAGE_S3_FORCE_PATH_STYLE must be true or false, got "sometimes"',
    ]);
  });

  it('gives backblaze-b2 its own key names and an endpoint for its region', () => {
    const { settings, problems } = read(backblazeB2ProviderFactory, {
      STORAGE_B2_BUCKET: 'b',
      STORAGE_B2_REGION: 'eu-central-003',
      STORAGE_B2_KEY_ID: 'k',
    });
    expect(problems).toEqual(['STORAGE_B2_KEY_ID and STORAGE_B2_APPLICATION_KEY must be set together']);
    expect(settings).toMatchObject({ region: 'eu-central-003', endpoint: 'https://s3.eu-central-003.backblazeb2.com' });
  });
});
