import * as path from 'node:path';
import { ConfigError, loadConfig, parseByteSize } from './app-config';

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
    expect(problemsOf({ MAX_FILE_SIZE: 'lots' })).toEqual(['MAX_FILE_SIZE must be a size such as 5GiB or 104857600, got "lots"']);
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
});
