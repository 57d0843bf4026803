import * as path from 'node:path';
import { ConfigError, loadConfig, parseByteSize } from './app-config';
import { BUILT_IN_PROVIDERS } from '../storage-providers/provider-catalog';
import { StorageProviderFactory } from '../storage-providers/shared/provider-config';

function problemsOf(env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('loadConfig accepted the configuration');
}

describe('loadConfig', () => {
  it('starts with no settings at all, leaving PostgreSQL, Redis and the JWT secret to start-up', () => {
    const config = loadConfig({});
    expect(config.port).toBe(3000);
    expect(config.dataDir).toBe(path.resolve('./data'));
    expect(config.databaseUrl).toBeUndefined();
    expect(config.redisUrl).toBeUndefined();
    expect(config.jwtSecret).toBeUndefined();
  });

  it('refuses a port that is not a number, naming the variable and the value', () => {
    expect(problemsOf({ PORT: 'abc' })).toEqual(['PORT must be an integer from 0 to 65535, got "abc"']);
  });

  it('refuses a file size limit it cannot read, showing what a valid one looks like', () => {
    expect(problemsOf({ MAX_FILE_SIZE: 'lots' })).toEqual([
      'MAX_FILE_SIZE must be a size such as 5GiB or 104857600, got "lots"',
    ]);
  });

  it('reads JSON bodies up to 1 MiB unless MAX_JSON_BODY says otherwise', () => {
    expect(loadConfig({}).maxJsonBodyBytes).toBe(1024 * 1024);
    expect(loadConfig({ MAX_JSON_BODY: '64KiB' }).maxJsonBodyBytes).toBe(65_536);
    expect(problemsOf({ MAX_JSON_BODY: '10' })).toEqual([
      'MAX_JSON_BODY must be a size such as 1MiB or 1048576, got "10"',
    ]);
  });

  it('reports every problem at once, in one message', () => {
    let message = '';
    try {
      loadConfig({ PORT: 'abc', MAX_FILE_SIZE: 'lots', DATABASE_URL: 'mysql://localhost/x' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/^Invalid configuration:/);
    expect(message).toContain('PORT must be an integer');
    expect(message).toContain('MAX_FILE_SIZE must be a size');
    expect(message).toContain('DATABASE_URL must be a postgres: or postgresql:// URL');
  });

  it('refuses a REDIS_URL that is not a redis URL', () => {
    expect(problemsOf({ REDIS_URL: 'localhost:6379' })).toEqual(['REDIS_URL must be a redis: or rediss:// URL']);
  });

  it('requires a JWT secret in production, and a long one anywhere', () => {
    expect(problemsOf({ NODE_ENV: 'production' })).toContain('JWT_SECRET is required when NODE_ENV=production');
    expect(problemsOf({ JWT_SECRET: 'short' })).toContain('JWT_SECRET must be at least 32 characters');
  });

  it('reads sizes with units', () => {
    expect(loadConfig({ MAX_FILE_SIZE: '5GiB' }).maxFileSize).toBe(5 * 1024 ** 3);
    expect(parseByteSize('100 MB')).toBe(100_000_000);
    expect(parseByteSize('12 parsecs')).toBeUndefined();
  });

  describe('resumable uploads', () => {
    it('defaults to local staging under DATA_DIR with a day of expiry and Tus-Max-Size = MAX_FILE_SIZE', () => {
      const { uploads } = loadConfig({ DATA_DIR: '/srv/flex', MAX_FILE_SIZE: '1GiB' });
      expect(uploads).toMatchObject({
        staging: 'local',
        stagingDir: '/srv/flex/uploads',
        ttlSeconds: 86_400,
        maxSize: 1024 ** 3,
        lockTtlMs: 6_000,
      });
    });

    it('never lets Tus-Max-Size pass MAX_FILE_SIZE', () => {
      expect(loadConfig({ MAX_FILE_SIZE: '10MB', UPLOAD_MAX_SIZE: '1GB' }).uploads.maxSize).toBe(10_000_000);
      expect(loadConfig({ UPLOAD_MAX_SIZE: '100MiB' }).uploads.maxSize).toBe(100 * 1024 ** 2);
    });

    it('names every bad upload setting', () => {
      const problems = problemsOf({ UPLOAD_STAGING: 's3', UPLOAD_EXPIRY: '5', UPLOAD_CHECKPOINT_BYTES: 'lots' });
      expect(problems).toContain('UPLOAD_STAGING must be local or database, got "s3"');
      expect(problems.some((p) => p.startsWith('UPLOAD_EXPIRY must be an integer'))).toBe(true);
      expect(problems.some((p) => p.startsWith('UPLOAD_CHECKPOINT_BYTES must be a size'))).toBe(true);
    });

    it('reads CORS origins as a list', () => {
      expect(loadConfig({ CORS_ORIGINS: 'https://a.example, https://b.example' }).corsOrigins).toEqual([
        'https://a.example',
        'https://b.example',
      ]);
      expect(loadConfig({}).corsOrigins).toEqual([]);
    });
  });

  describe('live events', () => {
    it('keeps 1000 events a day per user for replay and allows 10 streams per user by default', () => {
      expect(loadConfig({}).liveEvents).toEqual({ replayMax: 1000, replayTtlSeconds: 86_400, maxStreamsPerUser: 10 });
      expect(
        loadConfig({
          LIVE_EVENTS_REPLAY_MAX: '50',
          LIVE_EVENTS_REPLAY_TTL_S: '3600',
          LIVE_EVENTS_MAX_STREAMS_PER_USER: '2',
        }).liveEvents,
      ).toEqual({ replayMax: 50, replayTtlSeconds: 3600, maxStreamsPerUser: 2 });
    });

    it('names every bad live events setting', () => {
      expect(
        problemsOf({
          LIVE_EVENTS_REPLAY_MAX: '0',
          LIVE_EVENTS_REPLAY_TTL_S: 'a day',
          LIVE_EVENTS_MAX_STREAMS_PER_USER: '-1',
        }),
      ).toEqual([
        'LIVE_EVENTS_REPLAY_MAX must be an integer from 1 to 1000000, got "0"',
        'LIVE_EVENTS_REPLAY_TTL_S must be an integer from 60 to 2592000, got "a day"',
        'LIVE_EVENTS_MAX_STREAMS_PER_USER must be an integer from 1 to 10000, got "-1"',
      ]);
    });
  });
});

describe('storage provider sections', () => {
  it('reports a provider section problem in the same message as every other one', () => {
    const problems = problemsOf({
      PORT: 'abc',
      STORAGE_PROVIDERS: 'local-fs,s3-standard',
      STORAGE_GLACIER_ACCESS_KEY_ID: 'AKIA',
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        'PORT must be an integer from 0 to 65535, got "abc"',
        'STORAGE_S3_BUCKET is required when STORAGE_PROVIDERS includes s3-standard',
        'STORAGE_GLACIER_ACCESS_KEY_ID and STORAGE_GLACIER_SECRET_ACCESS_KEY must be set together',
      ]),
    );
  });

  it('lets a provider that is not built in bring its own section and its checks', () => {
    const plugin: StorageProviderFactory<{ root?: string }> = {
      id: 'acme-tape',
      envPrefix: 'STORAGE_ACME_TAPE_',
      readSettings: (section, { enabled }) => {
        const root = section.string('ROOT');
        if (enabled && !root) section.problem(`${section.name('ROOT')} is required`);
        section.integer('DRIVES', 1, 1, 8);
        return { root };
      },
      create: () => {
        throw new Error('not built in this spec');
      },
    };
    const env = { STORAGE_PROVIDERS: 'local-fs,acme-tape', STORAGE_ACME_TAPE_DRIVES: '9' };
    expect(() => loadConfig(env, [...BUILT_IN_PROVIDERS, plugin])).toThrow(
      'STORAGE_ACME_TAPE_ROOT is required\n  - STORAGE_ACME_TAPE_DRIVES must be an integer from 1 to 8, got "9"',
    );
    const config = loadConfig({ ...env, STORAGE_ACME_TAPE_ROOT: '/tape', STORAGE_ACME_TAPE_DRIVES: '2' }, [
      ...BUILT_IN_PROVIDERS,
      plugin,
    ]);
    expect(config.storage.providerSettings['acme-tape']).toEqual({ root: '/tape' });
  });
});
