import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { v7 as uuidv7 } from 'uuid';
import { WebhookEventSubscriber } from '../../src/application/webhooks';
import { FileUploaded } from '../../src/domain/files';
import { api, uploadMultipart } from '../support/http-client';
import { startTestApp, TestApp } from '../support/test-app';
import { sleep, until } from '../support/until';
import { ReceivedDelivery, verifyFlexStorageSignature, WebhookReceiver } from './webhook-receiver';
import { expectProblem, PROBLEM_JSON } from '../support/problem';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('Webhooks (e2e: real app, PostgreSQL, Redis and a local HTTP receiver)', () => {
  let t: TestApp;
  let receiver: WebhookReceiver;
  let db: Client;
  const token = (user: string) => t.tokenFor(user);

  /** Registers an endpoint at `path` of the receiver, which then verifies its signatures. */
  async function register(user: string, path: string, events: string[]) {
    const res = await api(t.baseUrl, 'POST', '/api/v1/webhooks', token(user), { url: receiver.url(path), events });
    expect(res.status).toBe(201);
    receiver.expectSecret(path, res.body.secret);
    return res.body as { id: string; url: string; events: string[]; active: boolean; secret: string };
  }

  async function upload(user: string, content = randomBytes(2048)) {
    const res = await uploadMultipart(t.baseUrl, content, content.length, {
      token: token(user),
      filename: 'note.txt',
      contentType: 'text/plain',
    });
    expect(res.status).toBe(201);
    return res.body as { id: string; size: number; sha256: string };
  }

  const deliveries = (user: string, id: string, query = '') =>
    api(t.baseUrl, 'GET', `/api/v1/webhooks/${id}/deliveries${query}`, token(user));
  const logOf = async (user: string, id: string, count: number) =>
    until(async () => {
      const res = await deliveries(user, id);
      const done = res.body.items?.filter((d: { status: string }) => d.status !== 'pending');
      return done?.length >= count ? res.body.items : undefined;
    }, `${count} finished attempts in ${id}'s log`);

  let aliceAll: Awaited<ReturnType<typeof register>>;
  let aliceDeletesOnly: Awaited<ReturnType<typeof register>>;
  let bobUploads: Awaited<ReturnType<typeof register>>;

  beforeAll(async () => {
    receiver = await new WebhookReceiver().start();
    t = await startTestApp({
      WEBHOOKS_ALLOW_PRIVATE_NETWORKS: 'true',
      WEBHOOKS_ALLOW_HTTP: 'true',
      JOBS_WEBHOOKS_BACKOFF_MS: '50',
      JOBS_WEBHOOKS_ATTEMPTS: '3',
      OUTBOX_RELAY_INTERVAL_MS: '100',
    });
    db = new Client({ connectionString: t.db.url });
    await db.connect();
    aliceAll = await register('alice', '/alice-all', ['file.uploaded', 'file.deleted', 'file.restored']);
    aliceDeletesOnly = await register('alice', '/alice-deletes', ['file.deleted']);
    bobUploads = await register('bob', '/bob', ['file.uploaded']);
  });
  afterAll(async () => {
    await db?.end();
    await t?.close();
    await receiver?.close();
  });

  describe('delivery', () => {
    let file: { id: string; size: number; sha256: string };
    let uploaded: ReceivedDelivery;

    it('delivers a signed file.uploaded event with the event as the body', async () => {
      file = await upload('alice');
      [uploaded] = await receiver.waitFor('/alice-all', 1, 'file.uploaded');

      expect(uploaded.method).toBe('POST');
      expect(uploaded.headers['content-type']).toBe('application/json');
      expect(uploaded.headers['user-agent']).toBe('FlexStorage-Webhooks/1');
      expect(uploaded.headers['x-flexstorage-event']).toBe('file.uploaded');
      expect(uploaded.headers['x-flexstorage-delivery']).toMatch(UUID);
      expect(Math.abs(Number(uploaded.headers['x-flexstorage-timestamp']) - Date.now() / 1000)).toBeLessThan(30);
      expect(uploaded.headers['x-flexstorage-signature']).toMatch(/^v1=[0-9a-f]{64}$/);
      expect(uploaded.signatureValid).toBe(true);

      expect(Object.keys(uploaded.body).sort()).toEqual(['data', 'id', 'occurredAt', 'type']);
      expect(uploaded.body).toEqual({
        id: expect.stringMatching(UUID),
        type: 'file.uploaded',
        occurredAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
        // The upload's one event says all of it: name and archived joined what file.uploaded always carried.
        data: {
          fileId: file.id,
          ownerId: 'alice',
          size: 2048,
          sha256: file.sha256,
          mimeType: 'text/plain',
          category: 'document',
          providerId: 'local-fs',
          name: 'note.txt',
          archived: false,
        },
      });
      // The storage key stays inside.
      const { rows } = await db.query<{ locations: { key: string }[] }>('select locations from files where id = $1', [
        file.id,
      ]);
      expect(uploaded.rawBody).not.toContain(rows[0].locations[0].key);

      const log = await logOf('alice', aliceAll.id, 1);
      expect(log).toEqual([
        expect.objectContaining({
          id: uploaded.headers['x-flexstorage-delivery'],
          endpointId: aliceAll.id,
          eventId: uploaded.body.id,
          eventType: 'file.uploaded',
          attempt: 1,
          status: 'succeeded',
          responseStatus: 200,
          responseExcerpt: 'answered 200',
          error: null,
        }),
      ]);
    });

    it('signs so that a tampered body, another secret or an old timestamp does not verify', () => {
      const { headers, rawBody } = uploaded;
      expect(verifyFlexStorageSignature(aliceAll.secret, headers, rawBody)).toBe(true);
      expect(verifyFlexStorageSignature(aliceAll.secret, headers, rawBody.replace('"size":2048', '"size":2049'))).toBe(
        false,
      );
      expect(verifyFlexStorageSignature(aliceDeletesOnly.secret, headers, rawBody)).toBe(false);
      expect(
        verifyFlexStorageSignature(
          aliceAll.secret,
          { ...headers, 'x-flexstorage-timestamp': String(Number(headers['x-flexstorage-timestamp']) + 1) },
          rawBody,
        ),
      ).toBe(false);
      expect(
        verifyFlexStorageSignature(aliceAll.secret, headers, rawBody, { nowSeconds: Date.now() / 1000 + 600 }),
      ).toBe(false);
    });

    it('delivers file.deleted and file.restored, each only to endpoints subscribed to it', async () => {
      expect((await api(t.baseUrl, 'DELETE', `/api/v1/files/${file.id}`, token('alice'))).status).toBe(204);
      const [deleted] = await receiver.waitFor('/alice-all', 1, 'file.deleted');
      const [deletedToo] = await receiver.waitFor('/alice-deletes', 1, 'file.deleted');
      expect(deleted.body.data).toEqual({ fileId: file.id, ownerId: 'alice' });
      expect(deletedToo.body.id).toBe(deleted.body.id);
      expect(deletedToo.signatureValid).toBe(true);

      expect((await api(t.baseUrl, 'POST', `/api/v1/files/${file.id}/restore`, token('alice'))).status).toBe(200);
      const [restored] = await receiver.waitFor('/alice-all', 1, 'file.restored');
      expect(restored.body).toMatchObject({ type: 'file.restored', data: { fileId: file.id, ownerId: 'alice' } });
      expect(restored.signatureValid).toBe(true);

      // The deletes-only endpoint saw the delete, and nothing of the upload before it or the restore after it.
      await sleep(300);
      expect(receiver.at('/alice-deletes').map((d) => d.body.type)).toEqual(['file.deleted']);
    });

    it("never delivers another user's events to your endpoint", async () => {
      const bobs = await upload('bob');
      const [got] = await receiver.waitFor('/bob', 1, 'file.uploaded');
      expect(got.body.data).toMatchObject({ fileId: bobs.id, ownerId: 'bob' });
      expect(got.signatureValid).toBe(true);
      await sleep(300);
      expect(receiver.at('/bob')).toHaveLength(1); // none of alice's
      expect(receiver.received.filter((d) => d.path.startsWith('/alice') && d.body?.data?.ownerId === 'bob')).toEqual(
        [],
      );
    });

    it('queues nothing twice when a batch of events is delivered again (after a crash)', async () => {
      const subscriber = t.app.get(WebhookEventSubscriber);
      const replay = new FileUploaded(file.id, uploaded.body.data, uploaded.body.occurredAt);
      replay.eventId = uploaded.body.id;
      await subscriber.handle(replay);

      const fresh = new FileUploaded(file.id, uploaded.body.data);
      fresh.eventId = uuidv7();
      await subscriber.handle(fresh);
      await subscriber.handle(fresh);

      await receiver.waitFor('/alice-all', 2, 'file.uploaded');
      await sleep(400);
      expect(receiver.at('/alice-all', 'file.uploaded').map((d) => d.body.id)).toEqual([
        uploaded.body.id,
        fresh.eventId,
      ]);
    });

    it('sends a ping on request, delivered and logged like any event', async () => {
      const res = await api(t.baseUrl, 'POST', `/api/v1/webhooks/${aliceAll.id}/ping`, token('alice'));
      expect(res.status).toBe(202);
      expect(res.body.eventId).toMatch(UUID);
      const [ping] = await receiver.waitFor('/alice-all', 1, 'ping');
      expect(ping.headers['x-flexstorage-event']).toBe('ping');
      expect(ping.body).toMatchObject({ id: res.body.eventId, data: { webhookId: aliceAll.id } });
      expect(ping.signatureValid).toBe(true);
    });
  });

  describe('retries and dead letters', () => {
    it('retries a receiver answering 500 twice: three attempts in the log, the last one succeeded', async () => {
      const flaky = await register('carol', '/flaky', ['file.uploaded']);
      receiver.script('/flaky', [500, 500, 200]);
      await upload('carol');
      const got = await receiver.waitFor('/flaky', 3);
      expect(new Set(got.map((d) => d.body.id)).size).toBe(1); // the same event…
      expect(new Set(got.map((d) => d.headers['x-flexstorage-delivery'])).size).toBe(3); // …in three attempts
      expect(got.every((d) => d.signatureValid)).toBe(true);

      const log = await logOf('carol', flaky.id, 3);
      expect(log.map((d: any) => [d.attempt, d.status, d.responseStatus])).toEqual([
        [3, 'succeeded', 200],
        [2, 'failed', 500],
        [1, 'failed', 500],
      ]);
      expect(log[1]).toMatchObject({ responseExcerpt: 'answered 500', error: 'the receiver answered 500' });
      expect(log.map((d: any) => d.id)).toEqual([...got].reverse().map((d) => d.headers['x-flexstorage-delivery']));

      // Pages of the log, newest first.
      const first = await deliveries('carol', flaky.id, '?limit=2');
      expect(first.body.items.map((d: any) => d.attempt)).toEqual([3, 2]);
      const second = await deliveries('carol', flaky.id, `?limit=2&cursor=${first.body.nextCursor}`);
      expect(second.body).toMatchObject({ items: [expect.objectContaining({ attempt: 1 })], nextCursor: null });
      const bad = await deliveries('carol', flaky.id, '?cursor=bogus');
      expect(bad.status).toBe(400);
      expect(bad.body.errors).toEqual([{ field: 'cursor', message: 'use the nextCursor of a previous page' }]);
    });

    it('dead-letters a delivery after its last attempt failed', async () => {
      const down = await register('dave', '/down', ['file.uploaded']);
      receiver.script('/down', [500]);
      await upload('dave');
      const [first] = await receiver.waitFor('/down', 3);
      const log = await logOf('dave', down.id, 3);
      expect(log.map((d: any) => [d.attempt, d.status])).toEqual([
        [3, 'failed'],
        [2, 'failed'],
        [1, 'failed'],
      ]);

      const jobId = `${down.id}-${first.body.id}`;
      const letter = await until(async () => {
        const res = await api(t.baseUrl, 'GET', '/api/v1/admin/dead-letters?limit=100', t.tokenFor('root', ['admin']));
        return res.body.items?.find((l: any) => l.queue === 'webhooks' && l.jobId === jobId);
      }, 'the dead letter');
      expect(letter).toMatchObject({
        name: 'webhook-delivery',
        attemptsMade: 3,
        failedReason: 'the receiver answered 500',
      });
      expect(JSON.stringify(letter.data)).not.toContain(down.secret);

      // The owner sees the delivery job in the job status API; another user does not.
      const job = await api(t.baseUrl, 'GET', `/api/v1/jobs/webhooks.${jobId}`, token('dave'));
      expect(job.body).toMatchObject({ state: 'failed', attemptsMade: 3, ownerId: 'dave' });
      expect((await api(t.baseUrl, 'GET', `/api/v1/jobs/webhooks.${jobId}`, token('alice'))).status).toBe(404);
      await sleep(300);
      expect(receiver.at('/down')).toHaveLength(3);
    });

    it('treats a 4xx refusal as permanent: one attempt, dead-lettered at once', async () => {
      const gone = await register('erin', '/gone', ['file.uploaded']);
      receiver.script('/gone', [410]);
      const { body } = await api(t.baseUrl, 'POST', `/api/v1/webhooks/${gone.id}/ping`, token('erin'));
      await receiver.waitFor('/gone', 1, 'ping');
      const [attempt] = await logOf('erin', gone.id, 1);
      expect(attempt).toMatchObject({
        attempt: 1,
        status: 'failed',
        responseStatus: 410,
        error: 'the receiver answered 410',
      });
      await until(async () => {
        const res = await api(t.baseUrl, 'GET', '/api/v1/admin/dead-letters?limit=100', t.tokenFor('root', ['admin']));
        return res.body.items?.find((l: any) => l.jobId === `${gone.id}-${body.eventId}` && l.attemptsMade === 1);
      }, 'the dead letter');
      await sleep(300);
      expect(receiver.at('/gone')).toHaveLength(1);
    });
  });

  describe('managing endpoints', () => {
    it('lists your endpoints without their secrets', async () => {
      const res = await api(t.baseUrl, 'GET', '/api/v1/webhooks', token('alice'));
      expect(res.status).toBe(200);
      expect(res.body.map((w: any) => w.id)).toEqual([aliceAll.id, aliceDeletesOnly.id]);
      expect(res.body[0]).toEqual({
        id: aliceAll.id,
        url: receiver.url('/alice-all'),
        events: ['file.uploaded', 'file.deleted', 'file.restored'],
        active: true,
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      });
      const one = await api(t.baseUrl, 'GET', `/api/v1/webhooks/${aliceAll.id}`, token('alice'));
      for (const text of [JSON.stringify(res.body), JSON.stringify(one.body)]) {
        expect(text).not.toContain(aliceAll.secret);
        expect(text).not.toContain('secret');
      }
      expect(aliceAll.secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    });

    it("answers 404 for another user's endpoint and its deliveries, whatever the method", async () => {
      const bob = token('bob');
      const base = `/api/v1/webhooks/${aliceAll.id}`;
      for (const [method, path, body] of [
        ['GET', base],
        ['GET', `${base}/deliveries`],
        ['PATCH', base, { active: false }],
        ['DELETE', base],
        ['POST', `${base}/ping`],
      ] as const) {
        const res = await api(t.baseUrl, method, path, bob, body);
        expect([method, path, res.status, res.headers['content-type']]).toEqual([
          method,
          path,
          404,
          expect.stringMatching(PROBLEM_JSON),
        ]);
      }
      expect((await api(t.baseUrl, 'GET', '/api/v1/webhooks/not-a-uuid', bob)).status).toBe(404);
      expect((await api(t.baseUrl, 'GET', '/api/v1/webhooks', bob)).body.map((w: any) => w.id)).toEqual([
        bobUploads.id,
      ]);
      expect((await api(t.baseUrl, 'GET', base, token('alice'))).body.active).toBe(true);
      expect((await api(t.baseUrl, 'GET', '/api/v1/webhooks')).status).toBe(401);
    });

    it('accepts a secret of your own, changes events and activity, and deletes with the log', async () => {
      const own = 'my-own-secret-of-enough-length-42';
      const created = await api(t.baseUrl, 'POST', '/api/v1/webhooks', token('frank'), {
        url: receiver.url('/frank'),
        events: ['upload.expired'],
        secret: own,
      });
      expect(created.status).toBe(201);
      expect(created.headers.location).toBe(`/api/v1/webhooks/${created.body.id}`);
      expect(created.body.secret).toBe(own);
      const id = created.body.id;

      const patched = await api(t.baseUrl, 'PATCH', `/api/v1/webhooks/${id}`, token('frank'), {
        events: ['retrieval.failed', 'retrieval.ready'],
        active: false,
      });
      expect(patched.status).toBe(200);
      expect(patched.body).toMatchObject({ events: ['retrieval.ready', 'retrieval.failed'], active: false });
      // Leaving a field out leaves it unchanged; null is not a URL or a boolean (none of these is nullable).
      const nulls = await api(t.baseUrl, 'PATCH', `/api/v1/webhooks/${id}`, token('frank'), {
        url: null,
        active: null,
      });
      expect(nulls.status).toBe(400);
      expect(nulls.body.errors.map((e: any) => e.field)).toEqual(expect.arrayContaining(['url', 'active']));
      const badPatch = await api(t.baseUrl, 'PATCH', `/api/v1/webhooks/${id}`, token('frank'), {
        url: 'ftp://example.com/',
        events: ['file.vanished'],
      });
      expect(badPatch.status).toBe(400);
      expect(badPatch.body.errors.map((e: any) => e.field)).toEqual(['url', 'events']);

      receiver.expectSecret('/frank', own);
      await api(t.baseUrl, 'POST', `/api/v1/webhooks/${id}/ping`, token('frank'));
      const [ping] = await receiver.waitFor('/frank', 1, 'ping'); // pings go to inactive endpoints too
      expect(ping.signatureValid).toBe(true);
      await logOf('frank', id, 1);

      expect((await api(t.baseUrl, 'DELETE', `/api/v1/webhooks/${id}`, token('frank'))).status).toBe(204);
      expect((await api(t.baseUrl, 'GET', `/api/v1/webhooks/${id}`, token('frank'))).status).toBe(404);
      const { rows } = await db.query('select count(*)::int as n from webhook_deliveries where endpoint_id = $1', [id]);
      expect(rows[0].n).toBe(0);
    });

    it('refuses bad registrations with field errors', async () => {
      const post = (body: unknown) => api(t.baseUrl, 'POST', '/api/v1/webhooks', token('gina'), body);
      const ftp = await post({ url: 'ftp://example.com/hooks', events: ['file.uploaded'] });
      expectProblem(ftp, 400);
      expect(ftp.body).toMatchObject({
        type: 'https://flexstorage.dev/problems/invalid-webhook-url',
        errors: [{ field: 'url', message: 'must use https or http' }],
      });
      const unknown = await post({ url: receiver.url('/g'), events: ['file.uploaded', 'file.exploded'] });
      expect(unknown.body).toMatchObject({
        status: 400,
        type: 'https://flexstorage.dev/problems/unknown-webhook-event-type',
        errors: [{ field: 'events' }],
      });
      const short = await post({ url: receiver.url('/g'), events: ['file.uploaded'], secret: 'too-short' });
      expect(short.body).toMatchObject({ status: 400, errors: [{ field: 'secret' }] });
      const creds = await post({ url: `http://user:pw@127.0.0.1:${receiver.port}/g`, events: ['file.uploaded'] });
      expect(creds.body).toMatchObject({
        status: 400,
        errors: [{ field: 'url', message: expect.stringMatching(/credentials/) }],
      });
      expect((await post({ url: receiver.url('/g') })).status).toBe(400);
      expect((await api(t.baseUrl, 'GET', '/api/v1/webhooks', token('gina'))).body).toEqual([]);
    });

    it('answers 400, not 500, to a delivery-log cursor whose id is not a uuid', async () => {
      const token = t.tokenFor('0196f000-0000-7000-8000-000000000005');
      const hook = await api(t.baseUrl, 'POST', '/api/v1/webhooks', token, {
        url: 'http://127.0.0.1:9/hook',
        events: ['file.uploaded'],
      });
      expect(hook.status).toBe(201);
      const cursor = Buffer.from(JSON.stringify(['2020-01-01T00:00:00.000Z', '-'.repeat(36)])).toString('base64url');
      const res = await api(t.baseUrl, 'GET', `/api/v1/webhooks/${hook.body.id}/deliveries?cursor=${cursor}`, token);
      expect(res.status).toBe(400);
    });
  });

  describe('where private networks are not allowed (SSRF)', () => {
    let strict: TestApp;
    beforeAll(async () => {
      strict = await startTestApp(
        { WEBHOOKS_ALLOW_HTTP: 'true', WEBHOOKS_MAX_PER_USER: '2' },
        { workers: false, database: t.db },
      );
    });
    afterAll(() => strict?.close());
    const post = (user: string, url: string) =>
      api(strict.baseUrl, 'POST', '/api/v1/webhooks', strict.tokenFor(user), { url, events: ['file.uploaded'] });

    it.each([
      ['http://127.0.0.1/hooks', 'loopback'],
      ['http://10.0.0.1/hooks', 'private network'],
      ['http://192.168.1.20:8080/', 'private network'],
      ['http://172.20.0.5/', 'private network'],
      ['http://169.254.169.254/latest/meta-data/', 'link-local'],
      ['http://100.64.0.1/', 'carrier-grade NAT'],
      ['http://0.0.0.0/', 'this network'],
      ['http://[::1]/hooks', 'loopback'],
      ['http://[::ffff:127.0.0.1]/', 'loopback'],
      ['http://[fd00::1]/', 'unique-local'],
      ['http://[fe80::1]/', 'link-local'],
      ['http://2130706433/', 'loopback'], // 127.0.0.1 written as a number
      ['http://0x7f.1/', 'loopback'],
      ['http://localhost:3000/hooks', 'resolves to'],
    ])('refuses %s (%s)', async (url, reason) => {
      const res = await post('mallory', url);
      expectProblem(res, 400);
      expect(res.body).toMatchObject({
        type: 'https://flexstorage.dev/problems/webhook-url-not-allowed',
        errors: [{ field: 'url' }],
      });
      expect(res.body.detail).toContain(reason);
    });

    it('refuses a change of URL to a private address too', async () => {
      const created = await post('nina', 'http://93.184.215.14/hooks');
      expect(created.status).toBe(201);
      const res = await api(strict.baseUrl, 'PATCH', `/api/v1/webhooks/${created.body.id}`, strict.tokenFor('nina'), {
        url: 'http://127.0.0.1:5432/',
      });
      expect(res.status).toBe(400);
      expect(res.body.type).toBe('https://flexstorage.dev/problems/webhook-url-not-allowed');
    });

    it('holds each user to the endpoint limit, even when registrations race', async () => {
      const results = await Promise.all([1, 2, 3, 4].map((n) => post('oscar', `http://93.184.215.14/hooks/${n}`)));
      expect(results.map((r) => r.status).sort()).toEqual([201, 201, 429, 429]);
      expect(results.find((r) => r.status === 429)!.body).toMatchObject({
        type: 'https://flexstorage.dev/problems/webhook-limit-reached',
      });
      expect((await api(strict.baseUrl, 'GET', '/api/v1/webhooks', strict.tokenFor('oscar'))).body).toHaveLength(2);
    });
  });
});
