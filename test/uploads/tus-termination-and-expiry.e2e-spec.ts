import { CommandBus } from '@nestjs/cqrs';
import { randomBytes } from 'node:crypto';
import { SweepUploadsCommand } from '../../src/application/uploads';
import { TestApp } from '../support/test-app';
import { expectProblem, sizeOnDisk, startTusApp, TUS, TusClient } from './tus-raw-client';

/** How a tus upload ends without a file: it expires (and the sweep removes it) or its owner terminates it. */
describe('tus expiration and termination at /api/v1/uploads (e2e, real PostgreSQL and Redis)', () => {
  let t: TestApp;
  let c: TusClient;
  let close: () => Promise<void>;
  beforeAll(async () => ({ t, c, close } = await startTusApp({ MAX_FILE_SIZE: '10MB' }, '8000')));
  afterAll(() => close?.());

  describe('expiration', () => {
    it('answers 410 once an upload has expired; the sweep then removes its bytes and marks it expired', async () => {
      const u = c.user();
      const { url, id } = await c.created(u.token, { length: 100 });
      expect((await c.patch(u.token, url, 0, randomBytes(40))).status).toBe(204);
      expect(await sizeOnDisk(c.stagedFile(id))).toBe(40);

      await c.db.query("update upload_sessions set expires_at = now() - interval '1 minute' where id = $1", [id]);

      const head = await c.head(u.token, url);
      expect(head.status).toBe(410);
      expect(head.headers['tus-resumable']).toBe(TUS);
      expectProblem(await c.patch(u.token, url, 40, randomBytes(10)), 410, 'upload-expired');
      expect(await c.session(id)).toMatchObject({ upload_offset: '40' });

      const swept = await t.app.get(CommandBus).execute(new SweepUploadsCommand());
      expect(swept.expired).toBeGreaterThanOrEqual(1);
      expect(await c.session(id)).toMatchObject({ status: 'expired' });
      expect(await sizeOnDisk(c.stagedFile(id))).toBeUndefined();
      expect((await c.head(u.token, url)).status).toBe(410);
      expectProblem(await c.patch(u.token, url, 40, randomBytes(10)), 410);
    });
  });

  describe('termination (DELETE)', () => {
    it('ends the upload (204), removes its staged bytes, and stays idempotent', async () => {
      const u = c.user();
      const { url, id } = await c.created(u.token, { length: 100 });
      await c.patch(u.token, url, 0, randomBytes(60));
      expect(await sizeOnDisk(c.stagedFile(id))).toBe(60);

      const res = await c.send('DELETE', url, { token: u.token });
      expect(res.status).toBe(204);
      expect(res.headers['tus-resumable']).toBe(TUS);
      expect(await sizeOnDisk(c.stagedFile(id))).toBeUndefined();
      expect(await c.session(id)).toMatchObject({ status: 'aborted' });

      expect([404, 410]).toContain((await c.head(u.token, url)).status);
      const late = await c.patch(u.token, url, 60, randomBytes(10));
      expect([404, 410]).toContain(late.status);
      expect(await sizeOnDisk(c.stagedFile(id))).toBeUndefined();

      expect((await c.send('DELETE', url, { token: u.token })).status).toBe(204);
    });

    it('requires Tus-Resumable and a token', async () => {
      const u = c.user();
      const { url } = await c.created(u.token, { length: 10 });
      expect((await c.send('DELETE', url)).status).toBe(401);
      expect((await c.send('DELETE', url, { token: u.token, tusResumable: null })).status).toBe(412);
      expect(await c.offsetOf(u.token, url)).toBe(0);
    });
  });
});
