import { CommandBus } from '@nestjs/cqrs';
import sharp from 'sharp';
import { Client } from 'pg';
import { PurgeDeletedFilesCommand } from '../../src/application/files';
import { STORAGE_PROVIDER_REGISTRY, StorageProviderRegistry } from '../../src/application/ports';
import { sha256 } from '../support/hashing';
import { api, download, uploadMultipart } from '../support/http-client';
import { startTestApp, TestApp } from '../support/test-app';
import { sleep, until } from '../support/until';
import { expectProblem } from '../support/problem';

const WAIT_MS = 15_000;

/** Real images, made here: what phones and browsers upload, and what breaks decoders. */
async function makeImages() {
  // Stored landscape (4000×3000) with EXIF orientation 6: it is shown rotated 90°, i.e. portrait.
  const rotatedJpeg = await sharp({
    create: { width: 4000, height: 3000, channels: 3, background: { r: 200, g: 40, b: 30 } },
  })
    .composite([
      { input: { create: { width: 1000, height: 3000, channels: 3, background: '#ffffff' } }, left: 0, top: 0 },
    ])
    .jpeg({ quality: 85 })
    .withMetadata({ orientation: 6 })
    .toBuffer();
  const alphaPng = await sharp({
    create: { width: 800, height: 600, channels: 4, background: { r: 0, g: 80, b: 255, alpha: 0.4 } },
  })
    .png()
    .toBuffer();
  const tinyPng = await sharp({ create: { width: 10, height: 10, channels: 3, background: '#00ff00' } })
    .png()
    .toBuffer();
  // A real JPEG's header (SOI, APP0, quantisation tables), then noise where the scan data should be.
  const corruptJpeg = Buffer.concat([rotatedJpeg.subarray(0, 600), Buffer.alloc(40_000, 0x5a)]);
  return { rotatedJpeg, alphaPng, tinyPng, corruptJpeg };
}

describe('Thumbnails (e2e: real sharp, PostgreSQL, Redis and workers)', () => {
  let t: TestApp;
  let alice: string;
  let bob: string;
  let admin: string;
  let images: Awaited<ReturnType<typeof makeImages>>;

  const upload = async (bytes: Buffer, filename: string, contentType: string, fields: Record<string, string> = {}) => {
    const res = await uploadMultipart(t.baseUrl, bytes, bytes.length, { token: alice, filename, contentType, fields });
    expect(res.status).toBe(201);
    return res.body.id as string;
  };
  const thumbnail = (id: string, query = '', token = alice, headers: Record<string, string> = {}) =>
    download(t.baseUrl, `/api/v1/files/${id}/thumbnail${query}`, token, headers);
  /** Polls as a client would until the rendition is there (or the answer is final). */
  const settledThumbnail = (id: string, query = '') =>
    until(
      async () => {
        const res = await thumbnail(id, query);
        return (res.status !== 404 || !res.bytes?.toString().includes('thumbnail-not-ready')) && res;
      },
      `the thumbnail of ${id}`,
      WAIT_MS,
    );
  const problemOf = (res: { bytes?: Buffer }) => JSON.parse(res.bytes!.toString());
  const job = (fileId: string, token = alice) =>
    api(t.baseUrl, 'GET', `/api/v1/jobs/media.thumbnails-${fileId}`, token);
  const sql = async <R>(text: string, params: unknown[]): Promise<R[]> => {
    const client = new Client({ connectionString: t.db.url });
    await client.connect();
    try {
      return (await client.query(text, params)).rows as R[];
    } finally {
      await client.end();
    }
  };

  beforeAll(async () => {
    [t, images] = await Promise.all([startTestApp(), makeImages()]);
    alice = t.tokenFor('alice');
    bob = t.tokenFor('bob');
    admin = t.tokenFor('root', ['admin']);
  });
  afterAll(() => t?.close());

  it('answers 404 thumbnail-not-ready until the thumbnail is made, then the WebP thumbnail and preview, orientation applied', async () => {
    expect((await api(t.baseUrl, 'POST', '/api/v1/admin/queues/media/pause', admin)).status).toBe(200);
    let id: string;
    try {
      id = await upload(images.rotatedJpeg, 'portrait.jpg', 'image/jpeg');
      // The upload's event is relayed and its job waits on the paused queue.
      const waiting = await until(
        async () => {
          const res = await job(id);
          return res.status === 200 && res.body;
        },
        'the thumbnails job',
        WAIT_MS,
      );
      expect(waiting).toMatchObject({ id: `media.thumbnails-${id}`, state: 'waiting', ownerId: 'alice' });
      const early = await thumbnail(id);
      expectProblem(early, 404);
      expect(problemOf(early)).toMatchObject({
        type: 'https://flexstorage.dev/problems/thumbnail-not-ready',
        status: 404,
      });
    } finally {
      await api(t.baseUrl, 'POST', '/api/v1/admin/queues/media/resume', admin);
    }

    const thumb = await settledThumbnail(id);
    expect(thumb.status).toBe(200);
    expect(thumb.headers['content-type']).toBe('image/webp');
    expect(thumb.headers['cache-control']).toMatch(/^private/);
    expect(thumb.headers['x-content-type-options']).toBe('nosniff');
    expect(thumb.headers.etag).toBe(`"${thumb.sha256}"`);
    const meta = await sharp(thumb.bytes).metadata();
    expect(meta).toMatchObject({ format: 'webp', width: 192, height: 256 }); // 3000×4000 as shown, within 256
    // The white band was on the stored image's left; shown rotated 90° clockwise it is at the top.
    const { data } = await sharp(thumb.bytes).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    expect([data[0], data[1], data[2]].every((c) => c > 230)).toBe(true);
    const bottom = data.length - 3;
    expect(data[bottom]).toBeGreaterThan(150);
    expect(data[bottom + 1]).toBeLessThan(90);

    const preview = await thumbnail(id, '?size=preview');
    expect(preview.status).toBe(200);
    expect(await sharp(preview.bytes).metadata()).toMatchObject({ format: 'webp', width: 1080, height: 1440 });
    expect(preview.sha256).not.toBe(thumb.sha256);

    const again = await thumbnail(id, '', alice, { 'if-none-match': thumb.headers.etag });
    expect(again.status).toBe(304);
    const done = await until(
      async () => {
        const body = (await job(id)).body;
        return body.state === 'completed' && body;
      },
      'the job to complete',
      WAIT_MS,
    );
    expect(done).toMatchObject({
      attemptsMade: 1,
      progress: 100,
      result: { generated: ['thumb', 'preview'], providerId: 'local-fs' },
    });
  });

  it('keeps the alpha channel of a PNG, and never enlarges a small image', async () => {
    const [alphaId, tinyId] = await Promise.all([
      upload(images.alphaPng, 'glass.png', 'image/png'),
      upload(images.tinyPng, 'dot.png', 'image/png'),
    ]);
    const alpha = await settledThumbnail(alphaId);
    expect(alpha.status).toBe(200);
    expect(await sharp(alpha.bytes).metadata()).toMatchObject({
      format: 'webp',
      width: 256,
      height: 192,
      hasAlpha: true,
    });
    const { data } = await sharp(alpha.bytes).raw().toBuffer({ resolveWithObject: true });
    expect(data[3]).toBeGreaterThan(80); // 0.4 × 255, give or take the lossy encoding
    expect(data[3]).toBeLessThan(125);

    for (const query of ['', '?size=thumb', '?size=preview']) {
      const tiny = await settledThumbnail(tinyId, query);
      expect(tiny.status).toBe(200);
      expect(await sharp(tiny.bytes).metadata()).toMatchObject({ format: 'webp', width: 10, height: 10 });
    }
  });

  it('answers 422 image-unreadable for a corrupt image; its job failed once, without retries, and is a dead letter', async () => {
    const id = await upload(images.corruptJpeg, 'broken.jpg', 'image/jpeg');
    const res = await settledThumbnail(id);
    expectProblem(res, 422);
    expect(problemOf(res)).toMatchObject({
      type: 'https://flexstorage.dev/problems/image-unreadable',
      title: 'Unprocessable Entity',
      status: 422,
      instance: `/api/v1/files/${id}/thumbnail`,
    });
    expect(problemOf(res).detail).toMatch(/^The image could not be read: .*JPEG/);
    expect((await thumbnail(id, '?size=preview')).status).toBe(422);

    // The failure is recorded (so the API answers 422) just before the job is failed and dead-lettered.
    const failed = await until(
      async () => {
        const body = (await job(id)).body;
        return body.state === 'failed' && body;
      },
      'the job to fail',
      WAIT_MS,
    );
    expect(failed).toMatchObject({ state: 'failed', attemptsMade: 1, ownerId: 'alice' });
    expect(failed.maxAttempts).toBeGreaterThan(1); // it could have been retried, and was not
    const letters = await until(
      async () => {
        const items: { id: string }[] = (await api(t.baseUrl, 'GET', '/api/v1/admin/dead-letters?limit=100', admin))
          .body.items;
        return items.some((l) => l.id === `media.thumbnails-${id}`) && items;
      },
      'the dead letter',
      WAIT_MS,
    );
    expect(letters).toContainEqual(
      expect.objectContaining({
        id: `media.thumbnails-${id}`,
        queue: 'media',
        name: 'thumbnails',
        attemptsMade: 1,
        data: { fileId: id, ownerId: 'alice' },
      }),
    );
    await sleep(300);
    expect((await job(id)).body).toMatchObject({ state: 'failed', attemptsMade: 1 });
  });

  it('answers 404 thumbnail-not-available for a file that is not an image, and enqueues nothing for it', async () => {
    const id = await upload(Buffer.from('just some words\n'), 'notes.txt', 'text/plain');
    const res = await thumbnail(id);
    expectProblem(res, 404);
    expect(problemOf(res)).toMatchObject({
      type: 'https://flexstorage.dev/problems/thumbnail-not-available',
      status: 404,
    });
    await sleep(500);
    expect((await job(id, admin)).status).toBe(404);
  });

  it('keeps thumbnails as private as the file: another user gets 404 file-not-found, an admin gets it; a bad size is 400', async () => {
    const id = await upload(await sharp(images.tinyPng).resize(40, 30).png().toBuffer(), 'own.png', 'image/png');
    expect((await settledThumbnail(id)).status).toBe(200);
    const other = await thumbnail(id, '', bob);
    expect(other.status).toBe(404);
    expect(problemOf(other)).toMatchObject({ type: 'https://flexstorage.dev/problems/file-not-found' });
    expect((await thumbnail(id, '?size=preview', bob)).status).toBe(404);
    expect((await job(id, bob)).status).toBe(404);
    expect((await thumbnail(id, '', admin)).status).toBe(200);
    expect((await fetch(`${t.baseUrl}/api/v1/files/${id}/thumbnail`)).status).toBe(401);

    const bad = await thumbnail(id, '?size=huge');
    expect(bad.status).toBe(400);
    expect(problemOf(bad)).toMatchObject({
      type: 'https://flexstorage.dev/problems/invalid-thumbnail-size',
      errors: [{ field: 'size' }],
    });
    expect((await thumbnail('not-a-uuid')).status).toBe(404);
  });

  it("stores a file's renditions on its own instant provider, and purging the file deletes them", async () => {
    const bytes = await sharp(images.tinyPng).resize(64, 48).png().toBuffer();
    const id = await upload(bytes, 'in-db.png', 'image/png', { provider: 'database' });
    const first = await settledThumbnail(id);
    expect(first.status).toBe(200);
    const rows = await sql<{
      kind: string;
      provider_id: string;
      storage_key: string;
      sha256: string;
      width: number;
      height: number;
    }>(
      'select kind, provider_id, storage_key, sha256, width, height from file_renditions where file_id = $1 order by kind',
      [id],
    );
    expect(rows.map((r) => [r.kind, r.provider_id, r.width, r.height])).toEqual([
      ['preview', 'database', 64, 48],
      ['thumb', 'database', 64, 48],
    ]);
    expect(rows.find((r) => r.kind === 'thumb')!.sha256).toBe(sha256(first.bytes!));

    expect((await api(t.baseUrl, 'DELETE', `/api/v1/files/${id}`, alice)).status).toBe(204);
    expect((await thumbnail(id)).status).toBe(404); // a deleted file shows no thumbnail
    const registry = t.app.get<StorageProviderRegistry>(STORAGE_PROVIDER_REGISTRY);
    const database = registry.get('database');
    for (const r of rows) expect(await database.head(r.storage_key)).not.toBeNull();
    await t.app.get(CommandBus).execute(new PurgeDeletedFilesCommand(0));
    for (const r of rows) expect(await database.head(r.storage_key)).toBeNull();
    expect(await sql('select 1 from file_renditions where file_id = $1', [id])).toEqual([]);
  });
});
