import { EnvReader } from './env-reader';

describe('EnvReader', () => {
  it('collects every bad value instead of stopping at the first, and reads each as its fallback', () => {
    const env = new EnvReader({ PORT: 'abc', RUN_WORKERS: 'maybe', CHUNK: 'lots', MODE: 's3' });
    expect(env.integer('PORT', 3000, 0, 65535)).toBe(3000);
    expect(env.boolean('RUN_WORKERS', true)).toBe(true);
    expect(env.byteSize('CHUNK', 1024)).toBe(1024);
    expect(env.oneOf('MODE', ['local', 'database'], 'local')).toBe('local');
    expect(env.problems).toEqual([
      'PORT must be an integer from 0 to 65535, got "abc"',
      'RUN_WORKERS must be true or false, got "maybe"',
      'CHUNK must be a size such as 64MiB or 1048576, got "lots"',
      'MODE must be local or database, got "s3"',
    ]);
  });

  it('reads a section by its short names and names the full variable in its messages', () => {
    const root = new EnvReader({
      STORAGE_S3_BUCKET: ' photos ',
      STORAGE_S3_ENDPOINT: 'ftp://x',
      STORAGE_S3_PORT: '99999',
    });
    const s3 = root.section('STORAGE_S3_');
    expect(s3.string('BUCKET')).toBe('photos');
    expect(s3.url('ENDPOINT', ['https:', 'http:'])).toBeUndefined();
    expect(s3.section('').integer('PORT', 443, 1, 65535)).toBe(443);
    expect(s3.name('REGION')).toBe('STORAGE_S3_REGION');
    expect(root.problems).toEqual([
      'STORAGE_S3_ENDPOINT must be a https: or http:// URL',
      'STORAGE_S3_PORT must be an integer from 1 to 65535, got "99999"',
    ]);
  });

  it('takes blank values as unset and falls back, but keeps a secret exactly as written', () => {
    const env = new EnvReader({ HOST: '   ', PASSWORD: ' with spaces ', EMPTY: '' });
    expect(env.string('HOST', '0.0.0.0')).toBe('0.0.0.0');
    expect(env.secret('PASSWORD')).toBe(' with spaces ');
    expect(env.secret('EMPTY')).toBeUndefined();
    expect(env.problems).toEqual([]);
  });

  it('reads numbers within bounds, booleans in their usual spellings, sizes with units and lists', () => {
    const env = new EnvReader({ N: '0.5', I: '1.5', B: 'Off', S: '5GiB', L: ' a, ,b ', Q: '0' });
    expect(env.number('N', 4, 0, 1)).toBe(0.5);
    expect(env.integer('I', 2, 0, 10)).toBe(2);
    expect(env.boolean('B', true)).toBe(false);
    expect(env.byteSize('S', 0)).toBe(5 * 1024 ** 3);
    expect(env.byteSize('Q', undefined, { example: '10GiB', min: 1 })).toBeUndefined();
    expect(env.list('L')).toEqual(['a', 'b']);
    expect(env.list('UNSET', ['local-fs'])).toEqual(['local-fs']);
    expect(env.problems).toEqual([
      'I must be an integer from 0 to 10, got "1.5"',
      'Q must be a size such as 10GiB, got "0"',
    ]);
  });

  it('parses JSON and reports both unreadable JSON and JSON of the wrong shape', () => {
    const env = new EnvReader({ GOOD: '[1,2]', BROKEN: '{', WRONG: '{}' });
    const numbers = (v: unknown) => {
      if (!Array.isArray(v)) throw new Error('an array');
      return v as number[];
    };
    expect(env.json('GOOD', [], numbers)).toEqual([1, 2]);
    expect(env.json('BROKEN', [], numbers)).toEqual([]);
    expect(env.json('WRONG', [], numbers)).toEqual([]);
    expect(env.problems[0]).toMatch(/^BROKEN must be JSON: /);
    expect(env.problems[1]).toBe('WRONG must be JSON: an array');
  });

  it('records a domain rule that refuses a value under the variable it came from', () => {
    const env = new EnvReader({}).section('ADMIN_');
    env.check('EMAIL', () => {
      throw new Error('not an email address');
    });
    expect(env.problems).toEqual(['ADMIN_EMAIL: not an email address']);
  });
});
