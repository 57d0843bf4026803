import { randomBytes } from 'node:crypto';
import { sha256 } from '../support/hashing';
import {
  digest,
  expectProblem,
  expectSameBytes,
  sizeOnDisk,
  startTusApp,
  TusClient,
  uploadMetadata,
  UUID,
} from './tus-raw-client';

/** Checksums of a tus upload: per chunk (Upload-Checksum), of the whole file (metadata sha256); dedup by SHA-256. */
describe('tus checksums at /api/v1/uploads (e2e, real PostgreSQL and Redis)', () => {
  let c: TusClient;
  let close: () => Promise<void>;
  beforeAll(async () => ({ c, close } = await startTusApp({ MAX_FILE_SIZE: '10MB' }, '8000')));
  afterAll(() => close?.());

  describe('checksum', () => {
    it('accepts chunks whose sha1, md5 or sha256 matches (204); refuses a wrong digest (460) keeping nothing; unknown algorithm is 400', async () => {
      const u = c.user();
      const data = randomBytes(4000);
      const { url, id } = await c.created(u.token, { length: data.length });
      const part = (i: number) => data.subarray(i * 1000, (i + 1) * 1000);

      for (const [i, algorithm] of (['sha1', 'md5', 'sha256'] as const).entries()) {
        const res = await c.patch(u.token, url, i * 1000, part(i), {
          'upload-checksum': `${algorithm} ${digest(algorithm, part(i))}`,
        });
        expect(res.status).toBe(204);
        expect(res.headers['upload-offset']).toBe(String((i + 1) * 1000));
      }

      const wrong = await c.patch(u.token, url, 3000, part(3), {
        'upload-checksum': `sha256 ${digest('sha256', randomBytes(10))}`,
      });
      expectProblem(wrong, 460, 'chunk-checksum-mismatch');
      expect(await c.offsetOf(u.token, url)).toBe(3000);
      expect(await sizeOnDisk(c.stagedFile(id))).toBe(3000);

      expectProblem(
        await c.patch(u.token, url, 3000, part(3), { 'upload-checksum': 'crc32 xxx' }),
        400,
        'unsupported-checksum-algorithm',
      );
      expectProblem(await c.patch(u.token, url, 3000, part(3), { 'upload-checksum': 'sha1 not-a-digest' }), 400);
      expect(await c.offsetOf(u.token, url)).toBe(3000);

      const last = await c.patch(u.token, url, 3000, part(3), { 'upload-checksum': `md5 ${digest('md5', part(3))}` });
      expect(last.status).toBe(204);
      expectSameBytes(await c.downloaded(u.token, last.headers['x-file-id'] as string), data);
    });

    it('checks the checksum of a chunk sent with the creation request', async () => {
      const u = c.user();
      const data = randomBytes(500);
      const bad = await c.create(u.token, {
        length: 500,
        body: data,
        headers: { 'upload-checksum': `sha1 ${digest('sha1', randomBytes(5))}` },
      });
      expectProblem(bad, 460, 'chunk-checksum-mismatch');
      expect(await c.count('files', u.id)).toBe(0);

      const good = await c.create(u.token, {
        length: 500,
        body: data,
        headers: { 'upload-checksum': `sha1 ${digest('sha1', data)}` },
      });
      expect(good.status).toBe(201);
      expect(good.headers['x-file-id']).toMatch(UUID);
      expectSameBytes(await c.downloaded(u.token, good.headers['x-file-id'] as string), data);
      const head = await c.head(u.token, good.headers.location!);
      expect(head.headers['upload-offset']).toBe('500');
      expect(head.headers['x-file-id']).toBe(good.headers['x-file-id']);
    });

    // BUG (same cause as the partial first chunk): a checksummed creation body is staged, not sent
    // straight to storage, and the 201 describes the upload as it was before the body.
    it('answers a checksummed whole-file creation with Upload-Offset = length and no Upload-Expires', async () => {
      const u = c.user();
      const data = randomBytes(500);
      const res = await c.create(u.token, {
        length: 500,
        body: data,
        headers: { 'upload-checksum': `sha256 ${digest('sha256', data)}` },
      });
      expect(res.status).toBe(201);
      expect(res.headers['x-file-id']).toMatch(UUID);
      expect(res.headers['upload-offset']).toBe('500');
      expect(res.headers['upload-expires']).toBeUndefined();
    });
  });

  describe('declared SHA-256 (Upload-Metadata sha256)', () => {
    it('refuses finished bytes that do not match it: 400 checksum-mismatch on the last PATCH, no file, upload aborted', async () => {
      const u = c.user();
      const data = randomBytes(2000);
      const promised = sha256(randomBytes(2000));
      const { url, id } = await c.created(u.token, {
        length: data.length,
        metadata: uploadMetadata({ filename: 'liar.bin', sha256: promised }),
      });
      expect((await c.patch(u.token, url, 0, data.subarray(0, 1000))).status).toBe(204);

      const last = await c.patch(u.token, url, 1000, data.subarray(1000));
      expectProblem(last, 400, 'checksum-mismatch');
      expect(last.headers['x-file-id']).toBeUndefined();

      expect(await c.count('files', u.id)).toBe(0);
      expect(await c.session(id)).toMatchObject({ status: 'aborted', file_id: null });
      expect(await sizeOnDisk(c.stagedFile(id))).toBeUndefined();
      expect([404, 410]).toContain((await c.head(u.token, url)).status);
    });

    it('refuses a whole-file creation request whose bytes do not match it, creating no file', async () => {
      const u = c.user();
      const data = randomBytes(300);
      const res = await c.create(u.token, {
        length: 300,
        body: data,
        metadata: uploadMetadata({ sha256: sha256(randomBytes(3)) }),
      });
      expectProblem(res, 400, 'checksum-mismatch');
      expect(await c.count('files', u.id)).toBe(0);
    });
  });

  describe('deduplication', () => {
    it('gives the same X-File-Id when the same bytes are uploaded again, and the original stays intact', async () => {
      const u = c.user();
      const data = randomBytes(9000);

      const first = await c.created(u.token, {
        length: data.length,
        metadata: uploadMetadata({ filename: 'one.bin' }),
      });
      const firstId = (await c.sendAll(u.token, first.url, data, 4000)).headers['x-file-id'] as string;
      expect(firstId).toMatch(UUID);

      const second = await c.created(u.token, {
        length: data.length,
        metadata: uploadMetadata({ filename: 'two.bin' }),
      });
      const secondLast = await c.sendAll(u.token, second.url, data, 3000);
      expect(secondLast.headers['x-file-id']).toBe(firstId);
      expect(await c.session(second.id)).toMatchObject({ status: 'completed', file_id: firstId });

      // Straight to storage (creation-with-upload with every byte): same answer.
      const third = await c.create(u.token, { length: data.length, body: data });
      expect(third.status).toBe(201);
      expect(third.headers['x-file-id']).toBe(firstId);

      expect(await c.count('files', u.id)).toBe(1);
      expectSameBytes(await c.downloaded(u.token, firstId), data);
      expect(await sizeOnDisk(c.stagedFile(second.id))).toBeUndefined();
    });
  });
});
