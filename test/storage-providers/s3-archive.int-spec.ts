import { PutObjectCommand, RestoreObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  ArchiveRetrieval,
  RestoreNotReadyError,
  RestoreState,
  RetrievalTier,
  StoredObjectNotFoundError,
  WriteOptions,
} from '../../src/domain/storage';
import { loadConfig } from '../../src/infrastructure/config/app-config';
import { buildStorageProvider } from '../../src/infrastructure/storage-providers/provider-catalog';
import {
  s3DeepArchiveProviderFactory,
  s3FlexibleRetrievalProviderFactory,
  s3StandardProviderFactory,
} from '../../src/infrastructure/storage-providers/s3/s3-compatible.factories';
import { S3CompatibleProvider } from '../../src/infrastructure/storage-providers/s3/s3-compatible.provider';
import { StorageProviderFactory } from '../../src/infrastructure/storage-providers/shared/provider-config';
import { sha256OfStream } from '../support/hashing';
import { LocalS3, startS3rver } from '../support/s3rver';
import { S3Emulator, S3EmulatorOptions, startS3Emulator } from '../support/s3-emulator';
import { until } from '../support/until';
import { body, bytes, collect } from './provider-contract';

const BUCKET = 'flexstorage-archive';
// s3rver knows one key pair; the emulator in front refuses every other key id, as AWS would.
const KEY_ID = 'S3RVER';
const SECRET = 'S3RVER';
const MiB = 1024 * 1024;
const PART = 8 * MiB; // the adapter's multipart part size
const LARGE = 50 * MiB + 12_345; // several parts and a short last one
const OPTIONS: WriteOptions = { maxBytes: Number.MAX_SAFE_INTEGER, contentType: 'application/octet-stream' };

/** The providers as `npm start` builds them from STORAGE_DEEP_ARCHIVE_* / STORAGE_FLEXIBLE_RETRIEVAL_*. */
function build(factory: StorageProviderFactory, endpoint: string, keyId = KEY_ID): S3CompatibleProvider {
  const settings = (prefix: string, keyPrefix: string) => ({
    [`${prefix}BUCKET`]: BUCKET,
    [`${prefix}ENDPOINT`]: endpoint,
    [`${prefix}FORCE_PATH_STYLE`]: 'true',
    [`${prefix}ACCESS_KEY_ID`]: keyId,
    [`${prefix}SECRET_ACCESS_KEY`]: SECRET,
    [`${prefix}PREFIX`]: keyPrefix,
  });
  const config = loadConfig({
    STORAGE_PROVIDERS: 'local-fs,s3-standard,s3-deep-archive,s3-flexible-retrieval',
    ...settings('STORAGE_S3_', 'standard/'),
    ...settings('STORAGE_DEEP_ARCHIVE_', 'deep/'),
    ...settings('STORAGE_FLEXIBLE_RETRIEVAL_', 'flexible/'),
  });
  return buildStorageProvider(factory, { config, databaseUrl: '' }) as S3CompatibleProvider;
}

function retrievalOf(provider: S3CompatibleProvider): ArchiveRetrieval {
  if (!provider.retrieval) throw new Error(`${provider.id} offers no retrieval`);
  return provider.retrieval;
}

/** Polls until the restore reaches `state` (emulated restores take milliseconds, not hours). */
function restoreReaching(status: () => Promise<RestoreState>, state: RestoreState['state']): Promise<RestoreState> {
  return until(async () => {
    const current = await status();
    return current.state === state && current;
  }, `the restore to be ${state}`);
}

function expiryOf(status: RestoreState): number {
  return status.state === 'ready' && status.expiresAt ? status.expiresAt.getTime() : Number.NaN;
}

const CLASSES = [
  {
    factory: s3DeepArchiveProviderFactory,
    storageClass: 'DEEP_ARCHIVE',
    tiers: ['standard', 'bulk'] as RetrievalTier[],
  },
  {
    factory: s3FlexibleRetrievalProviderFactory,
    storageClass: 'GLACIER',
    tiers: ['expedited', 'standard', 'bulk'] as RetrievalTier[],
  },
];

describe('S3 archive providers against s3rver behind the archive-emulating S3 layer', () => {
  let s3: LocalS3;
  const emulators: S3Emulator[] = [];
  const emulator = async (options: Partial<S3EmulatorOptions> = {}) => {
    const started = await startS3Emulator({ upstream: s3.endpoint, accessKeyId: KEY_ID, ...options });
    emulators.push(started);
    return started;
  };
  const providers: S3CompatibleProvider[] = [];
  const provider = (factory: StorageProviderFactory, endpoint: string, keyId?: string) => {
    const built = build(factory, endpoint, keyId);
    providers.push(built);
    return built;
  };

  beforeAll(async () => {
    s3 = await startS3rver(BUCKET);
  });
  afterAll(async () => {
    await Promise.all(providers.map((p) => p.close()));
    await Promise.all(emulators.map((e) => e.close()));
    await s3?.close();
  });

  describe.each(CLASSES.map((c) => [c.factory.id, c] as const))('%s', (id, { factory, storageClass, tiers }) => {
    let aws: S3Emulator;
    let archive: S3CompatibleProvider;
    let key: string;
    let sha256: string;
    const seed = `${id}-large`;

    beforeAll(async () => {
      // Long enough that a second request reliably arrives while the first restore runs.
      aws = await emulator({ restoreDelayMs: 600 });
      archive = provider(factory, aws.endpoint);
      ({ key, sha256 } = await archive.write(body(seed, LARGE), OPTIONS));
    });

    it('describes itself as an archive: no instant access, a retrieval with its tiers', () => {
      expect(archive.capabilities).toMatchObject({
        instantAccess: false,
        retrievalRequired: true,
        rangeReads: true,
        retrievalTiers: tiers,
        deletion: 'minimum-retention',
      });
      expect(Object.keys(archive.capabilities.retrievalMinutes ?? {})).toEqual(tiers);
      expect(archive.retrieval).toBeDefined();
    });

    it(`uploads a 50 MiB object as multipart in the ${storageClass} class, its SHA-256 kept with it`, async () => {
      const created = aws.requests.filter(
        (r) => r.method === 'POST' && r.url.includes(key) && /[?&]uploads(=|&|$)/.test(r.url),
      );
      expect(created).toHaveLength(1);
      expect(created[0].headers['x-amz-storage-class']).toBe(storageClass);
      expect(
        aws.requests.filter((r) => r.method === 'PUT' && r.url.includes(key) && r.url.includes('partNumber=')),
      ).toHaveLength(Math.ceil(LARGE / PART));
      expect(sha256).toBe((await sha256OfStream(body(seed, LARGE))).sha256);
      expect(await archive.head(key)).toEqual({ size: LARGE, sha256 });
    });

    it('refuses to read the object before a restore, whole or ranged', async () => {
      await expect(archive.read(key)).rejects.toBeInstanceOf(RestoreNotReadyError);
      await expect(archive.read(key, { start: PART - 1, end: PART })).rejects.toBeInstanceOf(RestoreNotReadyError);
      await expect(retrievalOf(archive).readRestored(key, key)).rejects.toBeInstanceOf(RestoreNotReadyError);
      expect(await retrievalOf(archive).restoreStatus(key, key)).toEqual({ state: 'none' });
    });

    it('starts one restore and shares it with a second request while it runs', async () => {
      const seen = aws.requests.length;
      const first = await retrievalOf(archive).startRestore(key, 'standard', 3);
      const second = await retrievalOf(archive).startRestore(key, 'bulk', 3);
      expect(first).toEqual({ handle: key, status: { state: 'in-progress' } });
      expect(second).toEqual({ handle: key, status: { state: 'in-progress' } });
      const restores = aws.requests.slice(seen).filter((r) => r.method === 'POST' && r.url.includes('restore'));
      expect(restores.map((r) => r.status)).toEqual([202, 409]);
      expect(await retrievalOf(archive).restoreStatus(key, first.handle)).toEqual({ state: 'in-progress' });
    });

    it('reports the restore ready once it has run, readable until an expiry in the future', async () => {
      const ready = await restoreReaching(() => retrievalOf(archive).restoreStatus(key, key), 'ready');
      expect(ready).toEqual({ state: 'ready', expiresAt: expect.any(Date) });
      expect(expiryOf(ready)).toBeGreaterThan(Date.now() + 2 * 86_400_000); // the 3 days asked for
    });

    it('serves the restored copy byte for byte, whole and in ranges', async () => {
      expect(await sha256OfStream(await retrievalOf(archive).readRestored(key, key))).toEqual({ size: LARGE, sha256 });
      for (const range of [
        { start: 0, end: 0 },
        { start: PART - 1, end: PART }, // the last byte of a part and the first of the next
        { start: 2 * PART - 10, end: 4 * PART + 9 }, // across two part boundaries
        { start: LARGE - 1, end: LARGE - 1 }, // the last byte
      ]) {
        const read = await collect(await retrievalOf(archive).readRestored(key, key, range));
        expect(read.equals(bytes(seed, range.start, range.end - range.start + 1))).toBe(true);
      }
      // The plain read works too while the copy lasts: nothing special is needed to stream it.
      expect((await sha256OfStream(await archive.read(key))).sha256).toBe(sha256);
    });

    it('answers ready at once when a restored copy exists (S3 answers 200 and extends it)', async () => {
      const seen = aws.requests.length;
      const again = await retrievalOf(archive).startRestore(key, 'standard', 5);
      expect(again.status).toEqual({ state: 'ready', expiresAt: expect.any(Date) });
      expect(expiryOf(again.status)).toBeGreaterThan(Date.now() + 4 * 86_400_000); // now 5 days
      expect(aws.requests.slice(seen).find((r) => r.url.includes('restore'))?.status).toBe(200);
    });

    it('reports a restore of a missing object as failed, and refuses to start one', async () => {
      const missing = 'missing/00/00000000-0000-4000-8000-000000000000';
      expect(await retrievalOf(archive).restoreStatus(missing, missing)).toEqual({
        state: 'failed',
        reason: 'the archived object no longer exists',
      });
      await expect(retrievalOf(archive).startRestore(missing, 'standard', 1)).rejects.toBeInstanceOf(
        StoredObjectNotFoundError,
      );
      await expect(archive.read(missing)).rejects.toBeInstanceOf(StoredObjectNotFoundError);
    });

    it('refuses the object again once the restored copy has expired', async () => {
      const expiring = await emulator({ restoreDelayMs: 50, restoredCopyMs: 500 });
      const short = provider(factory, expiring.endpoint);
      const small = await short.write(body(`${id}-expiry`, 1000), OPTIONS);
      await retrievalOf(short).startRestore(small.key, 'standard', 1);
      await restoreReaching(() => retrievalOf(short).restoreStatus(small.key, small.key), 'ready');
      expect(
        (await collect(await retrievalOf(short).readRestored(small.key, small.key))).equals(
          bytes(`${id}-expiry`, 0, 1000),
        ),
      ).toBe(true);

      expect(await restoreReaching(() => retrievalOf(short).restoreStatus(small.key, small.key), 'none')).toEqual({
        state: 'none',
      });
      await expect(retrievalOf(short).readRestored(small.key, small.key)).rejects.toBeInstanceOf(RestoreNotReadyError);
      await expect(short.read(small.key, { start: 0, end: 9 })).rejects.toBeInstanceOf(RestoreNotReadyError);
    });

    it.each(tiers)('brings an object back with the %s tier', async (tier) => {
      const tiered = await emulator({ restoreDelayMs: { Expedited: 50, Standard: 150, Bulk: 300 } });
      const p = provider(factory, tiered.endpoint);
      const small = await p.write(body(`${id}-${tier}`, 4096), OPTIONS);
      expect((await retrievalOf(p).startRestore(small.key, tier, 1)).status).toEqual({ state: 'in-progress' });
      await restoreReaching(() => retrievalOf(p).restoreStatus(small.key, small.key), 'ready');
      expect(tiered.requests.find((r) => r.url.includes('restore'))?.status).toBe(202);
      expect(
        (await collect(await retrievalOf(p).readRestored(small.key, small.key))).equals(
          bytes(`${id}-${tier}`, 0, 4096),
        ),
      ).toBe(true);
    });

    if (!tiers.includes('expedited')) {
      it('is refused an Expedited restore by the server, as AWS refuses it for DEEP_ARCHIVE', async () => {
        const small = await archive.write(body(`${id}-expedited`, 100), OPTIONS);
        await expect(retrievalOf(archive).startRestore(small.key, 'expedited', 1)).rejects.toMatchObject({
          name: 'InvalidArgument',
          $metadata: { httpStatusCode: 400 },
        });
        expect(await retrievalOf(archive).restoreStatus(small.key, small.key)).toEqual({ state: 'none' });
      });
    }

    it('reports bad credentials clearly in its health', async () => {
      expect(await archive.health()).toEqual({ healthy: true, detail: `bucket ${BUCKET} reachable` });
      expect(await provider(factory, aws.endpoint, 'not-a-key-id').health()).toEqual({
        healthy: false,
        detail: `bucket ${BUCKET}: access denied (check the credentials)`,
      });
    });

    it('reports itself unhealthy while the store is out of reach, and healthy again after', async () => {
      aws.setAvailable(false);
      try {
        expect((await archive.health()).healthy).toBe(false);
      } finally {
        aws.setAvailable(true);
      }
      expect((await archive.health()).healthy).toBe(true);
    });
  });

  describe('the emulator is as strict as S3 about storage classes', () => {
    let aws: S3Emulator;
    let client: S3Client;
    beforeAll(async () => {
      aws = await emulator();
      client = new S3Client({
        region: 'us-east-1',
        endpoint: aws.endpoint,
        forcePathStyle: true,
        credentials: { accessKeyId: KEY_ID, secretAccessKey: SECRET },
        requestChecksumCalculation: 'WHEN_REQUIRED',
      });
    });
    afterAll(() => client.destroy());

    it('refuses to restore an object that is not in an archive class, and serves it as stored', async () => {
      await client.send(
        new PutObjectCommand({ Bucket: BUCKET, Key: 'plain/object', Body: Buffer.from('instantly readable') }),
      );
      await expect(
        client.send(
          new RestoreObjectCommand({
            Bucket: BUCKET,
            Key: 'plain/object',
            RestoreRequest: { Days: 1, GlacierJobParameters: { Tier: 'Standard' } },
          }),
        ),
      ).rejects.toMatchObject({ name: 'InvalidObjectState', $metadata: { httpStatusCode: 403 } });
      const standard = provider(s3StandardProviderFactory, aws.endpoint);
      expect(standard.retrieval).toBeUndefined();
      expect((await collect(await standard.read('plain/object'))).toString()).toBe('instantly readable');
    });

    it('answers NoSuchKey to a restore of a missing object', async () => {
      await expect(
        client.send(
          new RestoreObjectCommand({
            Bucket: BUCKET,
            Key: 'no/such/object',
            RestoreRequest: { Days: 1, GlacierJobParameters: { Tier: 'Bulk' } },
          }),
        ),
      ).rejects.toMatchObject({ $metadata: { httpStatusCode: 404 } });
    });
  });
});
