import { createReadStream } from 'node:fs';
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import { sha256 } from '../support/hashing';
import { api, download } from '../support/http-client';
import { startTestApp, TestApp } from '../support/test-app';
import { randomFile, tusUpload } from './tus-support';

const MiB = 1024 * 1024;

/** tus-js-client, the reference tus client (Uppy and the mobile SDKs speak the same protocol). */
describe('Resumable uploads with tus-js-client', () => {
  let t: TestApp;
  let token: string;
  let endpoint: string;

  beforeAll(async () => {
    t = await startTestApp();
    token = t.tokenFor('0196f000-0000-7000-8000-0000000000c1');
    endpoint = `${t.baseUrl}/api/v1/uploads`;
  });
  afterAll(async () => {
    await t.close();
  });

  it.each([
    ['0 bytes', 0, undefined],
    ['1 byte', 1, undefined],
    ['7 MiB in 1 MiB chunks', 7 * MiB, MiB],
  ])('uploads %s byte-exact', async (_label, size, chunkSize) => {
    const data = randomBytes(size);
    const result = await tusUpload(data, {
      endpoint,
      token,
      ...(chunkSize ? { chunkSize } : {}),
      metadata: { filename: `tus-${size}.bin`, filetype: 'application/octet-stream' },
    });
    expect(result.fileId).toBeDefined();
    const file = await api(t.baseUrl, 'GET', `/api/v1/files/${result.fileId}`, token);
    expect(file.body).toMatchObject({ name: `tus-${size}.bin`, size, sha256: sha256(data), status: 'completed' });
    const got = await download(t.baseUrl, `/api/v1/files/${result.fileId}/content`, token);
    expect(got.sha256).toBe(sha256(data));
    if (chunkSize) expect(result.patchOffsets).toEqual([0, 1, 2, 3, 4, 5, 6].map((i) => i * MiB));
  });

  it('uploads 300 MiB from disk byte-exact', async () => {
    const file = path.join(t.dataDir, 'big.bin');
    const expected = await randomFile(file, 300 * MiB);
    const result = await tusUpload(createReadStream(file), {
      endpoint,
      token,
      chunkSize: 64 * MiB,
      metadata: { filename: 'big.bin' },
    });
    const got = await download(t.baseUrl, `/api/v1/files/${result.fileId}/content`, token);
    expect(got.size).toBe(300 * MiB);
    expect(got.sha256).toBe(expected);
  });

  it('resumes an upload aborted half-way from a new client with the stored URL, and ends with the right SHA-256', async () => {
    const data = randomBytes(8 * MiB);
    let stored: string | undefined;
    // First client: stops after half the chunks, as a phone that loses the network would.
    await new Promise<void>((resolve, reject) => {
      tusUpload(data, { endpoint, token, chunkSize: MiB, metadata: { filename: 'resumed.bin' } }, (upload) => {
        upload.options.onChunkComplete = (_size, accepted) => {
          stored = upload.url!;
          if (accepted >= 4 * MiB) void upload.abort().then(resolve, reject);
        };
      }).then(() => reject(new Error('the first client should not finish')), reject);
    });
    const head = await fetch(stored!, {
      method: 'HEAD',
      headers: { authorization: `Bearer ${token}`, 'tus-resumable': '1.0.0' },
    });
    expect(Number(head.headers.get('upload-offset'))).toBe(4 * MiB);

    // Second client: a new instance that only knows the stored URL.
    const resumed = await tusUpload(data, { uploadUrl: stored, token, chunkSize: MiB });
    expect(resumed.patchOffsets[0]).toBe(4 * MiB);
    const got = await download(t.baseUrl, `/api/v1/files/${resumed.fileId}/content`, token);
    expect(got.sha256).toBe(sha256(data));
  });

  it('uploads in parallel through concatenation (parallelUploads)', async () => {
    const data = randomBytes(6 * MiB + 123);
    const result = await tusUpload(data, {
      endpoint,
      token,
      parallelUploads: 3,
      metadata: { filename: 'parallel.bin' },
    });
    expect(result.patchOffsets.filter((o) => o === 0)).toHaveLength(3); // three partial uploads, each from 0
    const fileId = result.fileId ?? (await headFileId(result.url));
    const got = await download(t.baseUrl, `/api/v1/files/${fileId}/content`, token);
    expect(got.sha256).toBe(sha256(data));
    const file = await api(t.baseUrl, 'GET', `/api/v1/files/${fileId}`, token);
    expect(file.body).toMatchObject({ name: 'parallel.bin', size: data.length });
  });

  it('sends the whole file with the creation request (uploadDataDuringCreation) and finishes in one request', async () => {
    const data = randomBytes(4096);
    const requests: string[] = [];
    const result = await tusUpload(data, {
      endpoint,
      token,
      uploadDataDuringCreation: true,
      metadata: { filename: 'one-shot.txt', filetype: 'text/plain', sha256: sha256(data) },
      onBeforeRequest: (req) => void requests.push(req.getMethod()),
    });
    expect(requests).toEqual(['POST']);
    const file = await api(t.baseUrl, 'GET', `/api/v1/files/${result.fileId}`, token);
    expect(file.body).toMatchObject({ name: 'one-shot.txt', mimeType: 'text/plain', sha256: sha256(data) });
  });

  it('uploads with a deferred length (uploadLengthDeferred) from a stream of unknown size', async () => {
    const data = randomBytes(3 * MiB + 5);
    const { Readable } = await import('node:stream');
    const result = await tusUpload(Readable.from([data.subarray(0, 2 * MiB), data.subarray(2 * MiB)]) as never, {
      endpoint,
      token,
      chunkSize: MiB,
      uploadLengthDeferred: true,
      metadata: { filename: 'deferred.bin' },
    });
    const got = await download(t.baseUrl, `/api/v1/files/${result.fileId}/content`, token);
    expect(got.sha256).toBe(sha256(data));
  });

  it('uses PATCH through POST with X-HTTP-Method-Override (overridePatchMethod)', async () => {
    const data = randomBytes(2 * MiB);
    const methods: string[] = [];
    const result = await tusUpload(data, {
      endpoint,
      token,
      chunkSize: MiB,
      overridePatchMethod: true,
      onBeforeRequest: (req) => void methods.push(req.getMethod()),
    });
    expect(methods).toEqual(['POST', 'POST', 'POST']);
    expect((await download(t.baseUrl, `/api/v1/files/${result.fileId}/content`, token)).sha256).toBe(sha256(data));
  });

  async function headFileId(url: string): Promise<string> {
    const res = await fetch(url, {
      method: 'HEAD',
      headers: { authorization: `Bearer ${token}`, 'tus-resumable': '1.0.0' },
    });
    return res.headers.get('x-file-id')!;
  }
});
