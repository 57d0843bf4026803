import { Readable } from 'node:stream';
import { createHash } from 'node:crypto';
import {
  clampRange,
  declaredVersions,
  defineStorageProvider,
  isProviderError,
  isStorageProviderPlugin,
  meter,
  negotiateApiVersion,
  optionVariable,
  ProviderError,
  ProviderErrorCode,
  providerErrorCode,
  readOptions,
  tooLarge,
} from './index';

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
async function drain(body: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of body) parts.push(Buffer.from(c));
  return Buffer.concat(parts);
}

describe('error codes', () => {
  it('are matched by code, so a copy of the class from another package instance still matches', () => {
    const lookAlike = Object.assign(new Error('gone'), { code: 'ERR_NOT_FOUND' });
    expect(providerErrorCode(lookAlike)).toBe(ProviderErrorCode.NotFound);
    expect(isProviderError(lookAlike, ProviderErrorCode.NotFound)).toBe(true);
    expect(isProviderError(tooLarge(5), ProviderErrorCode.NotFound)).toBe(false);
    expect(providerErrorCode(Object.assign(new Error('x'), { code: 'ENOENT' }))).toBeUndefined();
    expect(providerErrorCode(null)).toBeUndefined();
  });

  it('keep a cause and a retry hint', () => {
    const cause = new Error('socket hang up');
    const e = new ProviderError(ProviderErrorCode.Unavailable, 'down', { cause, retryAfterSeconds: 7 });
    expect(e).toMatchObject({ code: 'ERR_UNAVAILABLE', cause, retryAfterSeconds: 7, name: 'ProviderError' });
  });
});

describe('meter', () => {
  it('counts and hashes the body as it passes', async () => {
    const bytes = Buffer.from('hello, provider');
    const m = meter(Readable.from([bytes.subarray(0, 5), bytes.subarray(5)]), { maxBytes: 100 });
    expect(await drain(m.body)).toEqual(bytes);
    expect(m.result()).toEqual({ size: bytes.length, sha256: sha256(bytes) });
  });

  it('stops at byte max+1 with ERR_TOO_LARGE, before passing that chunk on', async () => {
    const passed: number[] = [];
    const m = meter(Readable.from([Buffer.alloc(4), Buffer.alloc(4)]), { maxBytes: 6 });
    await expect(
      (async () => {
        for await (const c of m.body) passed.push(c.byteLength);
      })(),
    ).rejects.toMatchObject({ code: 'ERR_TOO_LARGE' });
    expect(passed).toEqual([4]);
  });

  it('refuses another SHA-256 than expected at the end (hex in any case)', async () => {
    const body = Buffer.from('abc');
    await expect(
      drain(meter(Readable.from([body]), { maxBytes: 9, expectedSha256: sha256(Buffer.from('x')) }).body),
    ).rejects.toMatchObject({ code: 'ERR_CHECKSUM_MISMATCH' });
    const ok = meter(Readable.from([body]), { maxBytes: 9, expectedSha256: sha256(body).toUpperCase() });
    await drain(ok.body);
    expect(ok.result().size).toBe(3);
  });

  it('stops when aborted', async () => {
    const ac = new AbortController();
    ac.abort(new Error('client gone'));
    await expect(
      drain(meter(Readable.from([Buffer.alloc(1)]), { maxBytes: 9, signal: ac.signal }).body),
    ).rejects.toThrow('client gone');
  });
});

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    return providerErrorCode(error);
  }
  return undefined;
}

describe('clampRange', () => {
  it('clamps the end, refuses a start past the size and invalid bounds', () => {
    expect(clampRange(undefined, 10)).toBeUndefined();
    expect(clampRange({ start: 0, end: 0 }, 10)).toEqual({ start: 0, end: 0 });
    expect(clampRange({ start: 9, end: 9 }, 10)).toEqual({ start: 9, end: 9 });
    expect(clampRange({ start: 5, end: 1e9 }, 10)).toEqual({ start: 5, end: 9 });
    expect(codeOf(() => clampRange({ start: 10, end: 12 }, 10))).toBe('ERR_RANGE_NOT_SATISFIABLE');
    expect(codeOf(() => clampRange({ start: 0, end: 0 }, 0))).toBe('ERR_RANGE_NOT_SATISFIABLE');
    expect(codeOf(() => clampRange({ start: 3, end: 2 }, 10))).toBe('ERR_INVALID_ARGUMENT');
    expect(codeOf(() => clampRange({ start: -1, end: 2 }, 10))).toBe('ERR_INVALID_ARGUMENT');
  });
});

describe('contract versions', () => {
  it('agree on the newest common version, or name both sides', () => {
    expect(negotiateApiVersion(1, [1])).toEqual({ version: 1 });
    expect(negotiateApiVersion([1, 2], [1, 2])).toEqual({ version: 2 });
    expect(negotiateApiVersion(2, [1])).toEqual({ mismatch: 'needs contract version 2, this server supports 1' });
    expect(negotiateApiVersion([0, 1.5], [1])).toEqual({
      mismatch: 'needs contract version none, this server supports 1',
    });
    expect(declaredVersions([3, 2])).toEqual([3, 2]);
  });
});

describe('options', () => {
  const schema = {
    host: { type: 'string', required: true, description: 'the server' },
    port: { type: 'integer', default: 22, min: 1, max: 65535, description: 'its port' },
    strict: { type: 'boolean', default: true, description: 'check the host key' },
    endpoint: { type: 'url', protocols: ['https'], description: 'an HTTPS endpoint' },
    password: { type: 'string', secret: true, pattern: '[a-z]+', description: 'a password' },
  } as const;

  it('reads, converts and defaults every option', () => {
    const env: Record<string, string> = { host: 'files.local', port: '2222', endpoint: 'https://x.test' };
    const { options, problems } = readOptions(schema, (o) => env[o]);
    expect(problems).toEqual([]);
    expect(options).toEqual({ host: 'files.local', port: 2222, strict: true, endpoint: 'https://x.test' });
  });

  it('reports every bad option at once, by name, never printing a secret', () => {
    const env: Record<string, string> = {
      port: '70000',
      strict: 'maybe',
      endpoint: 'http://x.test',
      password: 'S3CRET',
    };
    const { problems } = readOptions(schema, (o) => env[o]);
    expect(problems.map((p) => p.option)).toEqual(['host', 'port', 'strict', 'endpoint', 'password']);
    expect(problems.find((p) => p.option === 'port')!.message).toBe('must be at most 65535, got 70000');
    expect(JSON.stringify(problems)).not.toContain('S3CRET');
  });

  it('names the variable of an option in UPPER_SNAKE form', () => {
    expect(optionVariable('privateKeyPath')).toBe('PRIVATE_KEY_PATH');
    expect(optionVariable('host')).toBe('HOST');
  });
});

describe('defineStorageProvider', () => {
  it('brands the definition so any copy of the SDK recognises it, and checks the id', () => {
    const plugin = defineStorageProvider({ id: 'memory', apiVersion: 1, options: {}, create: () => ({}) as never });
    expect(isStorageProviderPlugin(plugin)).toBe(true);
    expect(isStorageProviderPlugin({ id: 'memory', create() {} })).toBe(false);
    expect(() =>
      defineStorageProvider({ id: 'Bad Id', apiVersion: 1, options: {}, create: () => ({}) as never }),
    ).toThrow(/lowercase/);
  });
});
