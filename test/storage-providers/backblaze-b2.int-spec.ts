import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { loadConfig } from '../../src/infrastructure/config/app-config';
import { buildStorageProvider } from '../../src/infrastructure/storage-providers/provider-catalog';
import { backblazeB2ProviderFactory } from '../../src/infrastructure/storage-providers/s3/s3-compatible.factories';
import { S3CompatibleProvider } from '../../src/infrastructure/storage-providers/s3/s3-compatible.provider';
import { countFiles } from '../support/files-on-disk';
import { LocalS3, startS3rver } from '../support/s3rver';
import { S3Emulator, startS3Emulator } from '../support/s3-emulator';
import { describeStorageProviderContract } from './provider-contract';

const BUCKET = 'flexstorage-b2';
// s3rver knows one key pair; the emulator in front refuses every other key id, as B2 would.
const KEY_ID = 'S3RVER';
const APP_KEY = 'S3RVER';

/** The provider as `npm start` builds it from STORAGE_B2_* settings, pointed at the emulator. */
function b2Provider(endpoint: string, keyId = KEY_ID) {
  const config = loadConfig({
    STORAGE_PROVIDERS: 'local-fs,backblaze-b2',
    STORAGE_B2_BUCKET: BUCKET,
    STORAGE_B2_ENDPOINT: endpoint,
    STORAGE_B2_FORCE_PATH_STYLE: 'true',
    STORAGE_B2_KEY_ID: keyId,
    STORAGE_B2_APPLICATION_KEY: APP_KEY,
    STORAGE_B2_PREFIX: 'b2/',
  });
  return buildStorageProvider(backblazeB2ProviderFactory, { config, databaseUrl: '' }) as S3CompatibleProvider;
}

describe('backblaze-b2 against a B2-mode S3 API (s3rver behind the project emulator)', () => {
  let s3: LocalS3;
  let b2: S3Emulator;
  beforeAll(async () => {
    s3 = await startS3rver(BUCKET);
    b2 = await startS3Emulator({ upstream: s3.endpoint, accessKeyId: KEY_ID, mode: 'b2' });
  });
  afterAll(async () => {
    await b2?.close();
    await s3?.close();
  });

  describeStorageProviderContract(
    'backblaze-b2',
    async () => {
      const provider = b2Provider(b2.endpoint);
      return {
        provider,
        boundary: 8 * 1024 * 1024, // the adapter's part size
        footprint: async () => ({
          objects: await countFiles(path.join(s3.directory, BUCKET), (n) => n.endsWith('._S3rver_object')),
        }),
        close: () => provider.close(),
      };
    },
    { largeFileBytes: 0 }, // the same adapter streams 285 MB in the s3-standard suite
  );

  it('sends B2 nothing it refuses: no checksum headers, no storage class', async () => {
    const provider = b2Provider(b2.endpoint);
    const seen = b2.requests.length;
    const stored = await provider.write(Readable.from([Buffer.alloc(9 * 1024 * 1024, 7)]), {
      maxBytes: 1e9,
      contentType: 'application/octet-stream',
    });
    await provider.delete(stored.key);
    const headers = b2.requests.slice(seen).flatMap((r) => Object.keys(r.headers));
    expect(
      headers.filter(
        (h) => h.startsWith('x-amz-checksum-') || h === 'x-amz-sdk-checksum-algorithm' || h === 'x-amz-storage-class',
      ),
    ).toEqual([]);
    await provider.close();
  });

  it('makes a client left at the SDK defaults fail, as B2 would (the emulator is not lenient)', async () => {
    const client = new S3Client({
      region: 'us-west-004',
      endpoint: b2.endpoint,
      forcePathStyle: true,
      credentials: { accessKeyId: KEY_ID, secretAccessKey: APP_KEY },
    });
    await expect(
      client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'x', Body: Buffer.from('hello') })),
    ).rejects.toMatchObject({ name: 'InvalidArgument' });
    await expect(
      client.send(
        new PutObjectCommand({ Bucket: BUCKET, Key: 'y', Body: Buffer.from('hello'), StorageClass: 'GLACIER' }),
      ),
    ).rejects.toThrow();
    client.destroy();
  });

  it('refuses aws-chunked streaming bodies instead of letting s3rver store them corrupted', async () => {
    const res = await fetch(`${b2.endpoint}/${BUCKET}/chunked`, {
      method: 'PUT',
      headers: {
        authorization: `AWS4-HMAC-SHA256 Credential=${KEY_ID}/20261201/us-west-004/s3/aws4_request, SignedHeaders=host, Signature=00`,
        'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
        'content-encoding': 'aws-chunked',
      },
      body: '10;chunk-signature=00\r\nstreamed bytes..\r\n0;chunk-signature=00\r\n\r\n',
    });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('<Code>NotImplemented</Code>');
  });

  it('reports bad credentials clearly in its health', async () => {
    const provider = b2Provider(b2.endpoint, 'not-a-key-id');
    expect(await provider.health()).toEqual({
      healthy: false,
      detail: `bucket ${BUCKET}: access denied (check the credentials)`,
    });
    await provider.close();
  });
});
