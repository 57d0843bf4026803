import { ConfigError, loadConfig } from './app-config';
import { formatSecretKeys, parseSecretKeys } from './secret-keys';

const b64 = (bytes: number, fill = 1) => Buffer.alloc(bytes, fill).toString('base64');

function problemsOf(env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('WEBHOOK_SECRET_KEYS', () => {
  it('reads a list of <key id>:<base64 key>, the first one first', () => {
    const { keys, problems } = parseSecretKeys(` new:${b64(32, 2)} , old:${b64(32, 3)}`, 'WEBHOOK_SECRET_KEYS');
    expect(problems).toEqual([]);
    expect(keys.map((k) => [k.id, k.key.length, k.key[0]])).toEqual([
      ['new', 32, 2],
      ['old', 32, 3],
    ]);
    expect(parseSecretKeys(formatSecretKeys(keys), 'x').keys).toEqual(keys);
    expect(parseSecretKeys(`url:${Buffer.alloc(32, 0xfb).toString('base64url')}`, 'x').keys[0].key).toEqual(
      Buffer.alloc(32, 0xfb),
    );
  });

  it('names every bad entry without repeating the key material', () => {
    const short = b64(16);
    const { problems } = parseSecretKeys(
      `k1:${short},nocolon,bad id:${b64(32)},k1:${b64(32)},k2:not*base64,k3:${b64(32)}`,
      'WEBHOOK_SECRET_KEYS',
    );
    expect(problems).toEqual([
      'WEBHOOK_SECRET_KEYS: key "k1" must be 32 bytes in base64 (openssl rand -base64 32), got 16 bytes',
      'WEBHOOK_SECRET_KEYS: entry 2 must be <key id>:<base64 key>, e.g. k1:$(openssl rand -base64 32)',
      'WEBHOOK_SECRET_KEYS: key id "bad id" must be 1 to 32 letters, digits, "_" or "-"',
      'WEBHOOK_SECRET_KEYS: key "k2" must be 32 bytes in base64 (openssl rand -base64 32), got text that is not base64',
    ]);
    expect(problems.join()).not.toContain(short);
    expect(parseSecretKeys(`a:${b64(32)},a:${b64(32, 2)}`, 'X').problems).toEqual(['X: key id "a" appears twice']);
  });

  it('is required in production and stops the start when malformed', () => {
    const production = { NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(32) };
    const keyed = { ...production, MEDIA_URL_KEYS: `m1:${b64(32)}` };
    expect(problemsOf(keyed)).toEqual([
      expect.stringMatching(/^WEBHOOK_SECRET_KEYS is required when NODE_ENV=production/),
    ]);
    expect(problemsOf({ ...keyed, WEBHOOK_SECRET_KEYS: `k1:${b64(32)}` })).toEqual([]);
    expect(problemsOf({ WEBHOOK_SECRET_KEYS: 'k1:abc' })).toEqual([
      'WEBHOOK_SECRET_KEYS: key "k1" must be 32 bytes in base64 (openssl rand -base64 32), got 2 bytes',
    ]);
  });

  it('is left to start-up outside production, with a day of grace after a rotation by default', () => {
    const config = loadConfig({});
    expect(config.webhooks.secretKeys).toBeUndefined();
    expect(config.webhooks.secretRotationGraceSeconds).toBe(86_400);
    expect(loadConfig({ WEBHOOK_SECRET_ROTATION_GRACE_S: '0' }).webhooks.secretRotationGraceSeconds).toBe(0);
    expect(problemsOf({ WEBHOOK_SECRET_ROTATION_GRACE_S: '-1' })).toEqual([
      'WEBHOOK_SECRET_ROTATION_GRACE_S must be an integer from 0 to 2592000, got "-1"',
    ]);
  });
});

describe('MEDIA_URL_KEYS', () => {
  const production = { NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(32), WEBHOOK_SECRET_KEYS: `k1:${b64(32)}` };

  it('is required in production, where it signs content and thumbnail URLs', () => {
    expect(problemsOf(production)).toEqual([
      expect.stringMatching(/^MEDIA_URL_KEYS is required when NODE_ENV=production: .*signs content and thumbnail URLs/),
    ]);
    const config = loadConfig({ ...production, MEDIA_URL_KEYS: `new:${b64(32, 2)},old:${b64(32, 3)}` });
    expect(config.media.urls.keys?.map((k) => k.id)).toEqual(['new', 'old']);
  });

  it('is left to start-up outside production, and names a malformed key without showing it', () => {
    expect(loadConfig({}).media.urls.keys).toBeUndefined();
    expect(problemsOf({ MEDIA_URL_KEYS: `m1:${b64(8)}` })).toEqual([
      'MEDIA_URL_KEYS: key "m1" must be 32 bytes in base64 (openssl rand -base64 32), got 8 bytes',
    ]);
  });

  it('lasts an hour unless asked, at most 7 days, both configurable', () => {
    expect(loadConfig({}).media.urls).toMatchObject({ ttlSeconds: 3600, maxTtlSeconds: 7 * 86_400 });
    expect(loadConfig({ MEDIA_URL_TTL_S: '600', MEDIA_URL_MAX_TTL_S: '86400' }).media.urls).toMatchObject({
      ttlSeconds: 600,
      maxTtlSeconds: 86_400,
    });
    expect(loadConfig({ MEDIA_URL_MAX_TTL_S: '1800' }).media.urls.ttlSeconds).toBe(1800);
    expect(problemsOf({ MEDIA_URL_TTL_S: '7200', MEDIA_URL_MAX_TTL_S: '3600' })).toEqual([
      'MEDIA_URL_TTL_S (7200) must not exceed MEDIA_URL_MAX_TTL_S (3600)',
    ]);
  });
});
