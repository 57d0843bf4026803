import {
  DescribeJobCommand,
  GlacierClient,
  GlacierClientConfig,
  InitiateMultipartUploadCommand,
  UploadArchiveCommand,
} from '@aws-sdk/client-glacier';
import { readdir } from 'node:fs/promises';
import * as path from 'node:path';
import { ChecksumMismatchError, FileTooLargeError } from '../../src/domain/files';
import {
  ByteBody,
  RestoreNotReadyError,
  RestoreState,
  RetrievalTier,
  StorageProvider,
  StoredObjectNotFoundError,
  WriteOptions,
  WriteResult,
} from '../../src/domain/storage';
import { loadConfig } from '../../src/infrastructure/config/app-config';
import { buildStorageProvider } from '../../src/infrastructure/storage-providers/provider-catalog';
import { glacierVaultProviderFactory } from '../../src/infrastructure/storage-providers/glacier-vault/glacier-vault.factory';
import { GlacierEmulator, startGlacierEmulator } from '../support/glacier-emulator';
import { sha256, sha256OfStream } from '../support/hashing';
import { body, bytes, collect } from './provider-contract';
import { memoryProbe } from '../support/memory-probe';

const VAULT = 'flexstorage-legacy';
const KEY_ID = 'AKIAGLACIEREMULATOR';
const SECRET = 'emulator-secret';
const MiB = 1024 * 1024;
const OPTIONS: WriteOptions = { maxBytes: Number.MAX_SAFE_INTEGER, contentType: 'application/octet-stream' };
/** Job run times per tier, short but distinct, so each tier's own wait is observable. */
const DELAYS = { Expedited: 50, Standard: 600, Bulk: 250 };
const GLACIER_TIER = { expedited: 'Expedited', standard: 'Standard', bulk: 'Bulk' } as const;

/** The provider as `npm start` builds it from STORAGE_GLACIER_* settings, pointed at the emulator. */
function vaultProvider(endpoint: string, env: Record<string, string> = {}): StorageProvider {
  const config = loadConfig({
    STORAGE_PROVIDERS: 'local-fs,glacier-vault',
    STORAGE_GLACIER_VAULT: VAULT,
    STORAGE_GLACIER_REGION: 'eu-west-1',
    STORAGE_GLACIER_ENDPOINT: endpoint,
    STORAGE_GLACIER_ACCESS_KEY_ID: KEY_ID,
    STORAGE_GLACIER_SECRET_ACCESS_KEY: SECRET,
    ...env,
  });
  return buildStorageProvider(glacierVaultProviderFactory, { config, databaseUrl: '' }) as StorageProvider;
}

function rawClient(endpoint: string, config: GlacierClientConfig = {}): GlacierClient {
  return new GlacierClient({
    region: 'eu-west-1',
    endpoint,
    credentials: { accessKeyId: KEY_ID, secretAccessKey: SECRET },
    maxAttempts: 1,
    ...config,
  });
}

/** Archives kept and multipart uploads left open: what a failed write must not add to. */
async function footprint(emulator: GlacierEmulator): Promise<{ archives: number; uploads: number }> {
  const count = async (sub: string) => (await readdir(path.join(emulator.directory, sub))).length;
  return { archives: await count('archives'), uploads: await count('uploads') };
}

/** The Glacier operations the emulator saw from request number `since` on. */
function operations(emulator: GlacierEmulator, since: number): string[] {
  return emulator.requests.slice(since).map(({ method, url }) => {
    const route = `${method} ${url.replace(/^\/[^/]+\/vaults\/[^/]+/, '').replace(/\/[A-Za-z0-9_-]{20,}/g, '/:id')}`;
    const names: Record<string, string> = {
      'POST /archives': 'UploadArchive',
      'DELETE /archives/:id': 'DeleteArchive',
      'POST /multipart-uploads': 'InitiateMultipartUpload',
      'PUT /multipart-uploads/:id': 'UploadMultipartPart',
      'POST /multipart-uploads/:id': 'CompleteMultipartUpload',
      'DELETE /multipart-uploads/:id': 'AbortMultipartUpload',
      'POST /jobs': 'InitiateJob',
      'GET /jobs/:id': 'DescribeJob',
      'GET /jobs/:id/output': 'GetJobOutput',
      'GET ': 'DescribeVault',
    };
    return names[route] ?? route;
  });
}

/** Polls until the restore is no longer in progress; answers the state and how long it took. */
async function settled(
  provider: StorageProvider,
  key: string,
  handle: string,
  since = Date.now(),
): Promise<{ status: RestoreState; waited: number }> {
  for (;;) {
    const status = await provider.retrieval!.restoreStatus(key, handle);
    if (status.state !== 'in-progress') return { status, waited: Date.now() - since };
    if (Date.now() - since > 10_000) throw new Error('the retrieval job never finished');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function failure(action: Promise<unknown>): Promise<Error> {
  return action.then(
    () => {
      throw new Error('expected a failure');
    },
    (e: Error) => e,
  );
}

describe('glacier-vault (legacy) against the project Glacier emulator', () => {
  let emulator: GlacierEmulator;
  let provider: StorageProvider;
  beforeAll(async () => {
    emulator = await startGlacierEmulator({ accessKeyId: KEY_ID, vaults: [VAULT], jobDelayMs: DELAYS });
    provider = vaultProvider(emulator.endpoint);
  });
  afterAll(async () => {
    await provider?.close?.();
    await emulator?.close();
  });

  describe('a 60 MiB archive', () => {
    const size = 60 * MiB;
    const seed = 'sixty';
    let stored: WriteResult;
    let handle: string;
    let sent: string[];
    beforeAll(async () => {
      const seen = emulator.requests.length;
      stored = await provider.write(body(seed, size), OPTIONS);
      sent = operations(emulator, seen);
    });

    it('goes up as one multipart upload of eight 8 MiB parts, under the archive id Glacier gave it', async () => {
      expect(sent).toEqual([
        'InitiateMultipartUpload',
        ...Array(8).fill('UploadMultipartPart'),
        'CompleteMultipartUpload',
      ]);
      const parts = emulator.requests.filter((r) => r.method === 'PUT').slice(-8);
      expect(parts.map((r) => r.headers['content-range'])).toEqual(
        [0, 1, 2, 3, 4, 5, 6, 7].map((i) => `bytes ${i * 8 * MiB}-${Math.min((i + 1) * 8 * MiB, size) - 1}/*`),
      );
      expect(emulator.requests.find((r) => r.url.endsWith('/multipart-uploads'))?.headers['x-amz-part-size']).toBe(
        String(8 * MiB),
      );
      expect(stored.size).toBe(size);
      expect(stored.sha256).toBe((await sha256OfStream(body(seed, size))).sha256);
      expect(stored.key).toMatch(/^[A-Za-z0-9_-]{138}$/);
      expect((await footprint(emulator)).uploads).toBe(0);
    });

    it('cannot be read or looked at without a retrieval job', async () => {
      await expect(provider.read(stored.key)).rejects.toBeInstanceOf(RestoreNotReadyError);
      expect(await provider.head(stored.key)).toBeNull();
    });

    it('is retrieved by a Standard job: in progress until the job is done, then ready for 24 hours', async () => {
      const since = Date.now();
      const started = await provider.retrieval!.startRestore(stored.key, 'standard', 7);
      handle = started.handle;
      expect(started.status).toEqual({ state: 'in-progress' });
      expect(await provider.retrieval!.restoreStatus(stored.key, handle)).toEqual({ state: 'in-progress' });
      await expect(provider.retrieval!.readRestored(stored.key, handle)).rejects.toBeInstanceOf(RestoreNotReadyError);
      const { status, waited } = await settled(provider, stored.key, handle, since);
      expect(waited).toBeGreaterThanOrEqual(DELAYS.Standard);
      expect(status.state).toBe('ready');
      const expiresIn = (status as { expiresAt: Date }).expiresAt.getTime() - Date.now();
      expect(Math.abs(expiresIn - 24 * 3600_000)).toBeLessThan(10_000);
    });

    it('streams the job output back byte for byte', async () => {
      expect(await sha256OfStream(await provider.retrieval!.readRestored(stored.key, handle))).toEqual({
        size,
        sha256: stored.sha256,
      });
      // a job's output is not the object
      await expect(provider.read(stored.key)).rejects.toBeInstanceOf(RestoreNotReadyError);
    });

    it.each([
      ['across the first part boundary', 8 * MiB - 8, 8 * MiB + 92],
      ['the last byte', size - 1, size - 1],
      ['the first byte', 0, 0],
      ["one whole part (tree-hash aligned, so checked against Glacier's hash)", 8 * MiB, 16 * MiB - 1],
      ['a span over many parts', 37 * MiB - 3, 53 * MiB + 4],
    ])('serves exactly the range %s', async (_, start, end) => {
      const read = await collect(await provider.retrieval!.readRestored(stored.key, handle, { start, end }));
      expect(read.length).toBe(end - start + 1);
      expect(read.equals(bytes(seed, start, end - start + 1))).toBe(true);
    });
  });

  describe('small archives', () => {
    it.each([1, 1000, MiB + 1, 8 * MiB - 1, 8 * MiB])(
      '%i bytes go up in one UploadArchive and come back through an Expedited job',
      async (size) => {
        const seen = emulator.requests.length;
        const stored = await provider.write(body(`small-${size}`, size, 100_000), OPTIONS);
        expect(operations(emulator, seen)).toEqual(['UploadArchive']);
        const { handle } = await provider.retrieval!.startRestore(stored.key, 'expedited', 1);
        expect((await settled(provider, stored.key, handle)).status.state).toBe('ready');
        expect(
          (await collect(await provider.retrieval!.readRestored(stored.key, handle))).equals(
            bytes(`small-${size}`, 0, size),
          ),
        ).toBe(true);
      },
    );

    it('8 MiB and one byte is a multipart upload whose second part is that byte', async () => {
      const seen = emulator.requests.length;
      await provider.write(body('just-over', 8 * MiB + 1), OPTIONS);
      expect(operations(emulator, seen)).toEqual([
        'InitiateMultipartUpload',
        'UploadMultipartPart',
        'UploadMultipartPart',
        'CompleteMultipartUpload',
      ]);
      expect(emulator.requests.filter((r) => r.method === 'PUT').at(-1)?.headers['content-range']).toBe(
        `bytes ${8 * MiB}-${8 * MiB}/*`,
      );
    });

    it('an empty body never reaches the vault (Glacier refuses 0-byte archives), yet restores and reads as empty', async () => {
      const seen = emulator.requests.length;
      const stored = await provider.write(body('empty', 0), OPTIONS);
      expect(stored).toEqual({ key: expect.any(String), size: 0, sha256: sha256(Buffer.alloc(0)) });
      const { handle, status } = await provider.retrieval!.startRestore(stored.key, 'bulk', 1);
      expect(status.state).toBe('ready');
      expect(await provider.retrieval!.restoreStatus(stored.key, handle)).toEqual({ state: 'ready' });
      expect((await collect(await provider.retrieval!.readRestored(stored.key, handle))).length).toBe(0);
      await provider.delete(stored.key);
      expect(operations(emulator, seen)).toEqual([]);
    });
  });

  describe('retrieval tiers', () => {
    let key: string;
    beforeAll(async () => {
      key = (await provider.write(body('tiers', 3000), OPTIONS)).key;
    });

    it.each<RetrievalTier>(['expedited', 'standard', 'bulk'])(
      "a %s job is asked for by its Glacier tier and becomes ready after that tier's wait",
      async (tier) => {
        const since = Date.now();
        const { handle } = await provider.retrieval!.startRestore(key, tier, 1);
        const client = rawClient(emulator.endpoint);
        expect(
          (await client.send(new DescribeJobCommand({ vaultName: VAULT, accountId: '-', jobId: handle }))).Tier,
        ).toBe(GLACIER_TIER[tier]);
        client.destroy();
        const { status, waited } = await settled(provider, key, handle, since);
        expect(status.state).toBe('ready');
        expect(waited).toBeGreaterThanOrEqual(DELAYS[GLACIER_TIER[tier]]);
        expect(
          (await collect(await provider.retrieval!.readRestored(key, handle))).equals(bytes('tiers', 0, 3000)),
        ).toBe(true);
      },
    );

    it("a job whose archive is deleted while it runs ends as failed, with Glacier's reason", async () => {
      const doomed = (await provider.write(body('doomed', 10), OPTIONS)).key;
      const { handle } = await provider.retrieval!.startRestore(doomed, 'standard', 1);
      await provider.delete(doomed);
      const { status } = await settled(provider, doomed, handle);
      expect(status).toEqual({ state: 'failed', reason: expect.stringContaining('deleted') });
    });

    it("does not take another archive's job for a restore of this one", async () => {
      const other = (await provider.write(body('other', 10), OPTIONS)).key;
      const { handle } = await provider.retrieval!.startRestore(other, 'expedited', 1);
      expect(await provider.retrieval!.restoreStatus(key, handle)).toEqual({ state: 'none' });
    });
  });

  describe('failed writes leave nothing in the vault', () => {
    it.each([
      ['one part', 1000],
      ['a multipart upload', 20 * MiB + 3],
    ])('refuses a checksum mismatch (%s) before any archive exists', async (_, size) => {
      const before = await footprint(emulator);
      const seen = emulator.requests.length;
      const error = await failure(
        provider.write(body('mismatch', size), { ...OPTIONS, expectedSha256: sha256(Buffer.from('something else')) }),
      );
      expect(error).toBeInstanceOf(ChecksumMismatchError);
      expect((error as ChecksumMismatchError).actual).toBe(sha256(bytes('mismatch', 0, size)));
      expect(operations(emulator, seen)).not.toContain('UploadArchive');
      expect(operations(emulator, seen)).not.toContain('CompleteMultipartUpload');
      expect(await footprint(emulator)).toEqual(before);
    });

    it('stops a body past maxBytes with FileTooLargeError and aborts its multipart upload', async () => {
      const before = await footprint(emulator);
      const seen = emulator.requests.length;
      let read = 0;
      async function* counted(): ByteBody {
        for await (const piece of body('too-large', 40 * MiB)) {
          read += piece.byteLength;
          yield piece;
        }
      }
      expect(await failure(provider.write(counted(), { ...OPTIONS, maxBytes: 20 * MiB }))).toBeInstanceOf(
        FileTooLargeError,
      );
      expect(read).toBeLessThanOrEqual(20 * MiB + 64 * 1024);
      expect(operations(emulator, seen).at(-1)).toBe('AbortMultipartUpload');
      expect(await footprint(emulator)).toEqual(before);
    });

    it('stops when the signal aborts half-way, with the abort as the reason', async () => {
      const before = await footprint(emulator);
      const controller = new AbortController();
      async function* aborted(): ByteBody {
        yield* body('aborted-1', 20 * MiB);
        controller.abort();
        yield* body('aborted-2', 20 * MiB);
      }
      expect((await failure(provider.write(aborted(), { ...OPTIONS, signal: controller.signal }))).name).toBe(
        'AbortError',
      );
      expect(await footprint(emulator)).toEqual(before);
    });

    it("reports the source's own failure half-way", async () => {
      const before = await footprint(emulator);
      async function* failing(): ByteBody {
        yield* body('source-fails', 18 * MiB);
        throw new Error('connection reset by peer');
      }
      expect((await failure(provider.write(failing(), OPTIONS))).message).toBe('connection reset by peer');
      expect(await footprint(emulator)).toEqual(before);
    });
  });

  describe('deletion', () => {
    it('is idempotent, and a deleted archive cannot be restored', async () => {
      const before = await footprint(emulator);
      const { key } = await provider.write(body('to-delete', 9 * MiB), OPTIONS);
      await provider.delete(key);
      await provider.delete(key);
      await expect(provider.retrieval!.startRestore(key, 'standard', 1)).rejects.toBeInstanceOf(
        StoredObjectNotFoundError,
      );
      expect(await footprint(emulator)).toEqual(before);
    });

    it.each(['../../etc/passwd', '/etc/passwd', '..', ''])(
      'refuses the key %p without asking the vault',
      async (key) => {
        const seen = emulator.requests.length;
        await expect(provider.delete(key)).rejects.toThrow();
        await expect(provider.retrieval!.startRestore(key, 'bulk', 1)).rejects.toThrow();
        expect(emulator.requests.length).toBe(seen);
      },
    );
  });

  describe('health', () => {
    it('is healthy when the vault answers', async () => {
      expect(await provider.health()).toEqual({ healthy: true, detail: `vault ${VAULT} reachable` });
    });

    it('says the credentials are wrong when the key id is refused', async () => {
      const wrong = vaultProvider(emulator.endpoint, { STORAGE_GLACIER_ACCESS_KEY_ID: 'AKIANOTAKEY' });
      expect(await wrong.health()).toEqual({
        healthy: false,
        detail: `vault ${VAULT}: access denied (check the credentials)`,
      });
      await wrong.close?.();
    });

    it('says so when there is no such vault', async () => {
      const missing = vaultProvider(emulator.endpoint, { STORAGE_GLACIER_VAULT: 'not-a-vault' });
      expect(await missing.health()).toEqual({ healthy: false, detail: 'vault not-a-vault: no such vault' });
      await missing.close?.();
    });

    it('is unhealthy while the service is down, and healthy again after', async () => {
      emulator.setAvailable(false);
      try {
        expect((await provider.health()).healthy).toBe(false);
      } finally {
        emulator.setAvailable(true);
      }
      expect((await provider.health()).healthy).toBe(true);
    });
  });

  describe('the emulator is as strict as Glacier, so it cannot hide a provider bug', () => {
    let client: GlacierClient;
    beforeAll(() => (client = rawClient(emulator.endpoint)));
    afterAll(() => client.destroy());

    it('refuses an archive whose tree hash does not match its bytes', async () => {
      const request = new UploadArchiveCommand({
        vaultName: VAULT,
        accountId: '-',
        body: Buffer.from('hello'),
        checksum: sha256(Buffer.from('olleh')),
      });
      await expect(client.send(request)).rejects.toMatchObject({
        name: 'InvalidParameterValueException',
        $metadata: { httpStatusCode: 400 },
      });
    });

    it('refuses a 0-byte archive', async () => {
      // The SDK's own checksum generator crashes on an empty body (a TypeError in its tree hash), so
      // this client hashes nothing itself, to let the request reach the emulator's refusal.
      const empty = sha256(Buffer.alloc(0));
      const hashing = rawClient(emulator.endpoint, { bodyChecksumGenerator: async () => [empty, empty] });
      await expect(
        hashing.send(new UploadArchiveCommand({ vaultName: VAULT, accountId: '-', body: Buffer.alloc(0) })),
      ).rejects.toMatchObject({
        name: 'InvalidParameterValueException',
        message: 'Invalid Content-Length: 0',
      });
      hashing.destroy();
    });

    it('refuses a part size that is not 1 MiB times a power of two', async () => {
      await expect(
        client.send(
          new InitiateMultipartUploadCommand({ vaultName: VAULT, accountId: '-', partSize: String(3 * MiB) }),
        ),
      ).rejects.toMatchObject({
        name: 'InvalidParameterValueException',
      });
    });
  });

  it('writes 60 MiB in bounded memory: a part on the wire and one filling, never the whole body', async () => {
    const memory = memoryProbe();
    let sent = 0;
    async function* source(): ByteBody {
      for await (const piece of body('memory', 60 * MiB)) {
        sent += piece.byteLength;
        if (sent % (2 * MiB) < piece.byteLength) memory.sample();
        yield piece;
      }
    }
    const { key } = await provider.write(source(), OPTIONS);
    const { live } = memory.peakGrowth();
    expect(live).toBeLessThan(40 * MiB);
    await provider.delete(key);
  });
});

describe("glacier-vault when a job's output expires", () => {
  let emulator: GlacierEmulator;
  let provider: StorageProvider;
  beforeAll(async () => {
    emulator = await startGlacierEmulator({ accessKeyId: KEY_ID, vaults: [VAULT], jobDelayMs: 0, outputTtlMs: 300 });
    provider = vaultProvider(emulator.endpoint);
  });
  afterAll(async () => {
    await provider?.close?.();
    await emulator?.close();
  });

  it('reports no restore and refuses to read once Glacier has forgotten the job', async () => {
    const { key } = await provider.write(body('expiring', 2 * MiB), OPTIONS);
    const { handle } = await provider.retrieval!.startRestore(key, 'expedited', 1);
    expect((await settled(provider, key, handle)).status.state).toBe('ready');
    expect(await sha256OfStream(await provider.retrieval!.readRestored(key, handle))).toEqual({
      size: 2 * MiB,
      sha256: sha256(bytes('expiring', 0, 2 * MiB)),
    });
    await new Promise((resolve) => setTimeout(resolve, 350));
    expect(await provider.retrieval!.restoreStatus(key, handle)).toEqual({ state: 'none' });
    await expect(provider.retrieval!.readRestored(key, handle)).rejects.toBeInstanceOf(RestoreNotReadyError);
    expect(await readdir(path.join(emulator.directory, 'jobs'))).toEqual([]);
  });
});
