import { randomBytes } from 'node:crypto';
import { api } from '../support/http-client';
import { TestApp } from '../support/test-app';
import {
  expectProblem,
  expectSameBytes,
  sizeOnDisk,
  startTusApp,
  TusClient,
  uploadMetadata,
  UPLOADS,
  UUID,
} from './tus-raw-client';

/** tus concatenation: partial uploads joined by a final upload into one file. */
describe('tus concatenation at /api/v1/uploads (e2e, real PostgreSQL and Redis)', () => {
  let t: TestApp;
  let c: TusClient;
  let close: () => Promise<void>;
  beforeAll(async () => ({ t, c, close } = await startTusApp({ MAX_FILE_SIZE: '10MB' }, '8000')));
  afterAll(() => close?.());

  describe('concatenation', () => {
    async function finishedPartial(token: string, data: Buffer): Promise<{ url: string; id: string }> {
      const { url, id, res } = await c.created(token, { length: data.length, concat: 'partial' });
      expect(res.headers['x-file-id']).toBeUndefined();
      const last = await c.sendAll(token, url, data, Math.ceil(data.length / 2));
      // A partial upload never becomes a file by itself.
      expect(last.headers['x-file-id']).toBeUndefined();
      return { url, id };
    }

    it('joins finished partial uploads into one file, byte-exact and in order', async () => {
      const u = c.user();
      const part1 = randomBytes(3001);
      const part2 = randomBytes(2002);
      const p1 = await finishedPartial(u.token, part1);
      const p2 = await finishedPartial(u.token, part2);

      const partHead = await c.head(u.token, p1.url);
      expect(partHead.headers['upload-concat']).toBe('partial');
      expect(partHead.headers['upload-offset']).toBe('3001');

      // One absolute URL (as Location gave it) and one path: both name an upload of this server.
      const final = await c.create(u.token, {
        concat: `final;${p1.url} ${new URL(p2.url).pathname}`,
        metadata: uploadMetadata({ filename: 'joined.bin' }),
      });
      expect(final.status).toBe(201);
      const finalUrl = final.headers.location!;
      expect(finalUrl.startsWith(`${t.baseUrl}${UPLOADS}/`)).toBe(true);

      const head = await c.head(u.token, finalUrl);
      expect(head.status).toBe(200);
      const concat = String(head.headers['upload-concat']);
      expect(concat.startsWith('final;')).toBe(true);
      expect(
        concat
          .slice('final;'.length)
          .trim()
          .split(/ +/)
          .map((x) => new URL(x, t.baseUrl).pathname),
      ).toEqual([`${UPLOADS}/${p1.id}`, `${UPLOADS}/${p2.id}`]);
      expect(head.headers['upload-offset']).toBe(String(part1.length + part2.length));
      expect(head.headers['upload-length']).toBe(String(part1.length + part2.length));

      const fileId = (final.headers['x-file-id'] ?? head.headers['x-file-id']) as string;
      expect(fileId).toMatch(UUID);
      expect(head.headers['x-file-id']).toBe(fileId);
      expectSameBytes(await c.downloaded(u.token, fileId), Buffer.concat([part1, part2]));
      expect((await api(t.baseUrl, 'GET', `/api/v1/files/${fileId}`, u.token)).body).toMatchObject({
        name: 'joined.bin',
        size: 5003,
      });

      // The parts' staged bytes are gone; they cannot be used again.
      expect(await sizeOnDisk(c.stagedFile(p1.id))).toBeUndefined();
      expect(await sizeOnDisk(c.stagedFile(p2.id))).toBeUndefined();
      expectProblem(await c.create(u.token, { concat: `final;${p1.url} ${p2.url}` }), 400, 'invalid-concatenation');

      // A final upload takes no bytes of its own.
      expectProblem(await c.patch(u.token, finalUrl, 5003, Buffer.from('x')), 403, 'upload-not-writable');
      expectProblem(await c.patch(u.token, finalUrl, 0, Buffer.from('x')), 403, 'upload-not-writable');
    });

    it('refuses a final upload naming an unfinished partial upload (400), creating nothing', async () => {
      const u = c.user();
      const done = await finishedPartial(u.token, randomBytes(100));
      const { url: unfinished } = await c.created(u.token, { length: 100, concat: 'partial' });
      await c.patch(u.token, unfinished, 0, randomBytes(50));
      const before = await c.count('upload_sessions', u.id);

      expectProblem(
        await c.create(u.token, { concat: `final;${done.url} ${unfinished}` }),
        400,
        'invalid-concatenation',
      );
      expect(await c.count('upload_sessions', u.id)).toBe(before);
      expect(await c.count('files', u.id)).toBe(0);
      // The parts are untouched.
      expect(await c.offsetOf(u.token, done.url)).toBe(100);
      expect(await c.offsetOf(u.token, unfinished)).toBe(50);
    });

    it("refuses a final upload naming another user's partial upload (404)", async () => {
      const u = c.user();
      const other = c.user();
      const mine = await finishedPartial(u.token, randomBytes(100));
      const theirs = await finishedPartial(other.token, randomBytes(100));
      expectProblem(await c.create(u.token, { concat: `final;${mine.url} ${theirs.url}` }), 404, 'upload-not-found');
      expect(await c.offsetOf(other.token, theirs.url)).toBe(100);
      expect(await c.session(theirs.id)).toMatchObject({ status: 'active' });
    });

    it('refuses a final upload with a body (400), and one naming a non-partial upload or nothing', async () => {
      const u = c.user();
      const a = await finishedPartial(u.token, randomBytes(10));
      const b = await finishedPartial(u.token, randomBytes(10));
      const withBody = await c.create(u.token, { concat: `final;${a.url} ${b.url}`, body: randomBytes(20) });
      expectProblem(withBody, 400);
      expect(await c.count('upload_sessions', u.id)).toBe(2);

      const { url: plain } = await c.created(u.token, { length: 10 });
      expectProblem(await c.create(u.token, { concat: `final;${a.url} ${plain}` }), 400, 'invalid-concatenation');
      expectProblem(await c.create(u.token, { concat: 'final;' }), 400, 'invalid-concatenation');
      expectProblem(
        await c.create(u.token, { concat: 'final;https://elsewhere.example/files/1' }),
        400,
        'invalid-concatenation',
      );
      expectProblem(await c.create(u.token, { concat: `final;${a.url} ${a.url}` }), 400, 'invalid-concatenation');
      // The parts are still usable.
      const final = await c.create(u.token, { concat: `final;${a.url} ${b.url}` });
      expect(final.status).toBe(201);
    });
  });
});
