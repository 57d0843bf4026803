import { Client } from 'pg';
import { api } from '../support/http-client';
import { startTestApp, TestApp } from '../support/test-app';
import { sleep, until } from '../support/until';
import { ReceivedDelivery, verifyFlexStorageSignature, WebhookReceiver } from './webhook-receiver';
import { PROBLEM_JSON } from '../support/problem';

const ONE_SIGNATURE = /^v1=[0-9a-f]{64}$/;
const TWO_SIGNATURES = /^v1=[0-9a-f]{64},v1=[0-9a-f]{64}$/;
const GRACE_S = 2;

/** Whether `secret` verifies the delivery with only the `index`th of its signatures. */
const verifiesWithSignature = (secret: string, d: ReceivedDelivery, index: number) =>
  verifyFlexStorageSignature(
    secret,
    { ...d.headers, 'x-flexstorage-signature': String(d.headers['x-flexstorage-signature']).split(',')[index] },
    d.rawBody,
  );

describe('Webhook secrets: rotation and unreadable secrets (e2e: real app, PostgreSQL, Redis and a local receiver)', () => {
  let t: TestApp;
  let receiver: WebhookReceiver;
  let db: Client;
  const token = (user: string) => t.tokenFor(user);
  const rotate = (user: string, id: string, body?: unknown) =>
    api(t.baseUrl, 'POST', `/api/v1/webhooks/${id}/rotate-secret`, token(user), body);

  async function register(user: string, path: string, secret?: string) {
    const res = await api(t.baseUrl, 'POST', '/api/v1/webhooks', token(user), {
      url: receiver.url(path),
      events: ['file.uploaded'],
      secret,
    });
    expect(res.status).toBe(201);
    return res.body as { id: string; secret: string };
  }

  /** Pings the endpoint and answers the delivery the receiver got for it. */
  async function ping(user: string, id: string, path: string): Promise<ReceivedDelivery> {
    const before = receiver.at(path, 'ping').length;
    const res = await api(t.baseUrl, 'POST', `/api/v1/webhooks/${id}/ping`, token(user));
    expect(res.status).toBe(202);
    const got = await receiver.waitFor(path, before + 1, 'ping');
    return got[before];
  }

  const finishedAttempts = (user: string, id: string, count: number) =>
    until(async () => {
      const res = await api(t.baseUrl, 'GET', `/api/v1/webhooks/${id}/deliveries`, token(user));
      const done = res.body.items?.filter((d: { status: string }) => d.status !== 'pending');
      return done?.length >= count ? res.body.items : undefined;
    }, `${count} finished attempts of ${id}`);

  const deadLetter = (jobId: string) =>
    until(async () => {
      const res = await api(t.baseUrl, 'GET', '/api/v1/admin/dead-letters?limit=100', t.tokenFor('root', ['admin']));
      return res.body.items?.find((l: { jobId: string }) => l.jobId === jobId);
    }, `the dead letter of ${jobId}`);

  beforeAll(async () => {
    receiver = await new WebhookReceiver().start();
    t = await startTestApp({
      WEBHOOKS_ALLOW_PRIVATE_NETWORKS: 'true',
      WEBHOOKS_ALLOW_HTTP: 'true',
      WEBHOOK_SECRET_ROTATION_GRACE_S: String(GRACE_S),
      JOBS_WEBHOOKS_BACKOFF_MS: '50',
      JOBS_WEBHOOKS_ATTEMPTS: '3',
    });
    db = new Client({ connectionString: t.db.url });
    await db.connect();
  });
  afterAll(async () => {
    await db?.end();
    await t?.close();
    await receiver?.close();
  });

  describe('rotation', () => {
    it('shows the new secret once, then signs with both secrets during the grace period and with only the new one after it', async () => {
      const original = await register('alice', '/alice');
      const before = await ping('alice', original.id, '/alice');
      expect(before.headers['x-flexstorage-signature']).toMatch(ONE_SIGNATURE);

      const rotated = await rotate('alice', original.id);
      expect(rotated.status).toBe(200);
      expect(rotated.body).toEqual({
        id: original.id,
        url: receiver.url('/alice'),
        events: ['file.uploaded'],
        active: true,
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
        secret: expect.stringMatching(/^whsec_[A-Za-z0-9_-]{43}$/),
        previousSecretExpiresAt: expect.any(String),
      });
      const fresh: string = rotated.body.secret;
      expect(fresh).not.toBe(original.secret);
      const graceEnds = Date.parse(rotated.body.previousSecretExpiresAt);
      expect(graceEnds - Date.now()).toBeGreaterThan(0);
      expect(graceEnds - Date.now()).toBeLessThanOrEqual(GRACE_S * 1000);

      // The secret is in that answer only.
      const views = [
        await api(t.baseUrl, 'GET', `/api/v1/webhooks/${original.id}`, token('alice')),
        await api(t.baseUrl, 'GET', '/api/v1/webhooks', token('alice')),
      ];
      for (const view of views) {
        expect(view.status).toBe(200);
        expect(JSON.stringify(view.body)).not.toMatch(new RegExp(`secret|${fresh}|${original.secret}`));
      }

      const during = await ping('alice', original.id, '/alice');
      expect(Date.now()).toBeLessThan(graceEnds); // else the grace period is too short for this machine
      expect(during.headers['x-flexstorage-signature']).toMatch(TWO_SIGNATURES);
      expect(verifyFlexStorageSignature(fresh, during.headers, during.rawBody)).toBe(true);
      expect(verifyFlexStorageSignature(original.secret, during.headers, during.rawBody)).toBe(true);
      expect([verifiesWithSignature(fresh, during, 0), verifiesWithSignature(original.secret, during, 1)]).toEqual([
        true,
        true,
      ]); // new first
      expect(verifyFlexStorageSignature('some-other-secret-of-enough-length', during.headers, during.rawBody)).toBe(
        false,
      );

      await sleep(graceEnds - Date.now() + 50);
      const after = await ping('alice', original.id, '/alice');
      expect(after.headers['x-flexstorage-signature']).toMatch(ONE_SIGNATURE);
      expect(verifyFlexStorageSignature(fresh, after.headers, after.rawBody)).toBe(true);
      expect(verifyFlexStorageSignature(original.secret, after.headers, after.rawBody)).toBe(false);

      const log = await finishedAttempts('alice', original.id, 3);
      expect(log.map((d: { status: string }) => d.status)).toEqual(['succeeded', 'succeeded', 'succeeded']);
      expect(JSON.stringify(log)).not.toContain(fresh);
    });

    it('takes your own new secret, validated as at registration', async () => {
      const endpoint = await register('bob', '/bob');
      const own = 'bobs-own-rotated-secret-of-enough-length';
      const res = await rotate('bob', endpoint.id, { secret: own });
      expect(res.status).toBe(200);
      expect(res.body.secret).toBe(own);
      const delivered = await ping('bob', endpoint.id, '/bob');
      expect([
        verifyFlexStorageSignature(own, delivered.headers, delivered.rawBody),
        verifyFlexStorageSignature(endpoint.secret, delivered.headers, delivered.rawBody),
      ]).toEqual([true, true]);

      const short = await rotate('bob', endpoint.id, { secret: 'too-short' });
      const registeredShort = await api(t.baseUrl, 'POST', '/api/v1/webhooks', token('bob'), {
        url: receiver.url('/bob2'),
        events: ['file.uploaded'],
        secret: 'too-short',
      });
      expect([short.status, short.headers['content-type']]).toEqual([400, expect.stringMatching(PROBLEM_JSON)]);
      expect({ type: short.body.type, detail: short.body.detail, errors: short.body.errors }).toEqual({
        type: registeredShort.body.type,
        detail: registeredShort.body.detail,
        errors: registeredShort.body.errors,
      });
      expect(short.body).toMatchObject({
        type: 'https://flexstorage.dev/problems/invalid-webhook-secret',
        errors: [{ field: 'secret' }],
      });
      expect((await rotate('bob', endpoint.id, { secret: 'with a space in it, long enough' })).status).toBe(400);
      expect((await rotate('bob', endpoint.id, { secret: 42 })).status).toBe(400);
      expect((await rotate('bob', endpoint.id, { secret: own })).body).toMatchObject({
        status: 400,
        type: 'https://flexstorage.dev/problems/webhook-secret-unchanged',
        errors: [{ field: 'secret' }],
      });
      expect((await rotate('bob', endpoint.id, { secret: own, url: 'http://elsewhere.example' })).status).toBe(400);

      // None of the refused rotations changed anything.
      const still = await ping('bob', endpoint.id, '/bob');
      expect(verifyFlexStorageSignature(own, still.headers, still.rawBody)).toBe(true);
    });

    it("answers 404 for another user's endpoint or an unknown one, and 401 without a token", async () => {
      const carols = await register('carol', '/carol');
      for (const body of [undefined, { secret: 'mallory-chosen-secret-of-enough-length' }, { secret: 'x' }]) {
        const res = await rotate('mallory', carols.id, body);
        expect([res.status, res.headers['content-type']]).toEqual([404, expect.stringMatching(PROBLEM_JSON)]);
        expect(JSON.stringify(res.body)).not.toContain('whsec_');
      }
      expect((await rotate('carol', 'not-a-uuid')).status).toBe(404);
      expect((await rotate('carol', '0196f000-0000-7000-8000-0000000000ff')).status).toBe(404);
      expect((await api(t.baseUrl, 'POST', `/api/v1/webhooks/${carols.id}/rotate-secret`)).status).toBe(401);
      expect((await rotate('root', carols.id)).status).toBe(404); // an admin does not see it either: it holds a secret

      const unchanged = await ping('carol', carols.id, '/carol');
      expect(unchanged.headers['x-flexstorage-signature']).toMatch(ONE_SIGNATURE);
      expect(verifyFlexStorageSignature(carols.secret, unchanged.headers, unchanged.rawBody)).toBe(true);
    });
  });

  describe('a stored secret that cannot be read', () => {
    async function pingFailsForGood(user: string, id: string, path: string, reason: RegExp) {
      const res = await api(t.baseUrl, 'POST', `/api/v1/webhooks/${id}/ping`, token(user));
      expect(res.status).toBe(202);
      const [attempt] = await finishedAttempts(user, id, 1);
      expect(attempt).toMatchObject({ attempt: 1, status: 'failed', responseStatus: null, responseExcerpt: null });
      expect(attempt.error).toMatch(/^The endpoint's signing secret cannot be read \(its stored form /);
      expect(attempt.error).toMatch(reason);
      expect(attempt.error).toMatch(/Nothing was sent; rotate the endpoint's secret to resume deliveries\.$/);
      // Dead-lettered after its one attempt: no retry can mend it.
      expect(await deadLetter(`${id}-${res.body.eventId}`)).toMatchObject({
        queue: 'webhooks',
        attemptsMade: 1,
        failedReason: attempt.error,
      });
      await sleep(200);
      expect(receiver.at(path)).toEqual([]);
    }

    it('fails deliveries for good when it was tampered with, keeps serving the endpoint, and rotating mends it', async () => {
      const endpoint = await register('dave', '/dave');
      const { rows } = await db.query<{ secret: string }>('select secret from webhook_endpoints where id = $1', [
        endpoint.id,
      ]);
      const parts = rows[0].secret.split(':');
      const tag = Buffer.from(parts[3], 'base64');
      tag[5] ^= 0x20;
      parts[3] = tag.toString('base64');
      const tampered = parts.join(':');
      await db.query('update webhook_endpoints set secret = $2 where id = $1', [endpoint.id, tampered]);

      await pingFailsForGood('dave', endpoint.id, '/dave', /failed authentication under key "test"/);

      // Reading and changing the endpoint still work (no 500), and keep the stored value as it was.
      const one = await api(t.baseUrl, 'GET', `/api/v1/webhooks/${endpoint.id}`, token('dave'));
      expect(one.status).toBe(200);
      expect(JSON.stringify(one.body)).not.toContain('secret');
      expect((await api(t.baseUrl, 'GET', '/api/v1/webhooks', token('dave'))).status).toBe(200);
      expect(
        (
          await api(t.baseUrl, 'PATCH', `/api/v1/webhooks/${endpoint.id}`, token('dave'), {
            events: ['file.uploaded', 'file.deleted'],
          })
        ).status,
      ).toBe(200);
      expect((await db.query('select secret from webhook_endpoints where id = $1', [endpoint.id])).rows[0].secret).toBe(
        tampered,
      );

      const rotated = await rotate('dave', endpoint.id);
      expect(rotated.status).toBe(200);
      expect(rotated.body.previousSecretExpiresAt).toBeNull(); // the unreadable one is not kept
      const mended = await ping('dave', endpoint.id, '/dave');
      expect(mended.headers['x-flexstorage-signature']).toMatch(ONE_SIGNATURE);
      expect(verifyFlexStorageSignature(rotated.body.secret, mended.headers, mended.rawBody)).toBe(true);
    });

    it('fails deliveries for good when it was encrypted with a key that is no longer configured', async () => {
      const endpoint = await register('erin', '/erin');
      await db.query(`update webhook_endpoints set secret = replace(secret, 'v1:test:', 'v1:retired:') where id = $1`, [
        endpoint.id,
      ]);
      await pingFailsForGood('erin', endpoint.id, '/erin', /was encrypted with key "retired", which is not configured/);
    });
  });
});
