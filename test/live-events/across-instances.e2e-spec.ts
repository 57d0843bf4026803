import { api, uploadMultipart } from '../support/http-client';
import { listen } from '../support/sse-client';
import { startTestApp, TestApp } from '../support/test-app';
import { PROBLEM_JSON } from '../support/problem';

describe('live events (Server-Sent Events) across API instances', () => {
  let a: TestApp;
  let b: TestApp;
  const alice = '0196f000-0000-7000-8000-00000000e001';
  const bob = '0196f000-0000-7000-8000-00000000e002';
  const prefix = `fs-live-${Date.now().toString(36)}`;

  beforeAll(async () => {
    a = await startTestApp({
      QUEUE_PREFIX: prefix,
      WEBHOOKS_ALLOW_PRIVATE_NETWORKS: 'true',
      WEBHOOKS_ALLOW_HTTP: 'true',
      JOBS_WEBHOOKS_BACKOFF_MS: '60000',
    });
    // A second instance on the same database and Redis, with no workers: events reach it only through Redis.
    b = await startTestApp(
      { QUEUE_PREFIX: prefix, WEBHOOKS_ALLOW_PRIVATE_NETWORKS: 'true', WEBHOOKS_ALLOW_HTTP: 'true' },
      { database: a.db, workers: false },
    );
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  it("pushes a user's own events to their stream on another instance, and nobody else's", async () => {
    const aliceStream = listen(`${b.baseUrl}/api/v1/events?access_token=${a.tokenFor(alice)}`);
    const bobStream = listen(`${b.baseUrl}/api/v1/events`, { authorization: `Bearer ${a.tokenFor(bob)}` });
    try {
      await aliceStream.waitFor((m) => m.event === 'connected');
      await bobStream.waitFor((m) => m.event === 'connected');
      const up = await uploadMultipart(a.baseUrl, Buffer.from('live!'), 5, {
        token: a.tokenFor(alice),
        filename: 'live.txt',
      });
      expect(up.status).toBe(201);
      const uploaded = await aliceStream.waitFor((m) => m.event === 'file.uploaded');
      expect(uploaded.data).toMatchObject({
        type: 'file.uploaded',
        data: { fileId: up.body.id, size: 5, sha256: up.body.sha256 },
      });
      expect(uploaded.id).toMatch(/^\d+-\d+$/); // its position in alice's log; data.id stays the domain event id
      expect(uploaded.data.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(uploaded.data.data.ownerId).toBeUndefined();

      expect((await api(a.baseUrl, 'DELETE', `/api/v1/files/${up.body.id}`, a.tokenFor(alice))).status).toBe(204);
      expect((await aliceStream.waitFor((m) => m.event === 'file.deleted')).data.data.fileId).toBe(up.body.id);
      await new Promise((r) => setTimeout(r, 300));
      expect(bobStream.events()).toEqual([]);
    } finally {
      aliceStream.close();
      bobStream.close();
    }
  });

  it('serves two streams of the same user, and keeps serving the one left open when the other closes', async () => {
    const first = listen(`${b.baseUrl}/api/v1/events?access_token=${a.tokenFor(alice)}`);
    const second = listen(`${a.baseUrl}/api/v1/events?access_token=${a.tokenFor(alice)}`);
    const third = listen(`${b.baseUrl}/api/v1/events?access_token=${a.tokenFor(alice)}`);
    try {
      await Promise.all([first, second, third].map((s) => s.waitFor((m) => m.event === 'connected')));
      first.close();
      await new Promise((r) => setTimeout(r, 100));
      const up = await uploadMultipart(a.baseUrl, Buffer.from('twice'), 5, {
        token: a.tokenFor(alice),
        filename: 'twice.txt',
      });
      for (const stream of [second, third])
        expect(
          (await stream.waitFor((m) => m.event === 'file.uploaded' && m.data.data.fileId === up.body.id)).id,
        ).toBeTruthy();
    } finally {
      [first, second, third].forEach((s) => s.close());
    }
  });

  it("keeps delivering live events while the same events' webhook deliveries to a dead endpoint keep failing", async () => {
    const carol = '0196f000-0000-7000-8000-00000000e003';
    const hook = await api(a.baseUrl, 'POST', '/api/v1/webhooks', a.tokenFor(carol), {
      url: 'http://127.0.0.1:9/nobody-listens',
      events: ['file.uploaded'],
    });
    expect(hook.status).toBe(201);
    const stream = listen(`${b.baseUrl}/api/v1/events?access_token=${a.tokenFor(carol)}`);
    try {
      await stream.waitFor((m) => m.event === 'connected');
      for (const n of [1, 2]) {
        const up = await uploadMultipart(a.baseUrl, Buffer.from(`isolated ${n}`), 10, {
          token: a.tokenFor(carol),
          filename: `iso-${n}.txt`,
        });
        expect(
          (await stream.waitFor((m) => m.event === 'file.uploaded' && m.data.data.fileId === up.body.id)).id,
        ).toBeTruthy();
      }
      // The failing delivery waits for its retry on its own, as a job of its own.
      const deliveries = await api(a.baseUrl, 'GET', `/api/v1/webhooks/${hook.body.id}/deliveries`, a.tokenFor(carol));
      expect(deliveries.body.items.length).toBeGreaterThanOrEqual(1);
      expect(deliveries.body.items.every((d: { status: string }) => d.status !== 'succeeded')).toBe(true);
    } finally {
      stream.close();
    }
  });

  it('refuses a stream without a valid token (401 problem+json)', async () => {
    for (const url of [`${b.baseUrl}/api/v1/events`, `${b.baseUrl}/api/v1/events?access_token=nope`]) {
      const res = await fetch(url);
      expect(res.status).toBe(401);
      expect(res.headers.get('content-type')).toMatch(PROBLEM_JSON);
    }
  });

  it('ends the stream when the access token expires', async () => {
    const stream = listen(`${b.baseUrl}/api/v1/events?access_token=${a.tokenFor(alice, ['user'], { expiresIn: 2 })}`);
    try {
      await stream.waitFor((m) => m.event === 'connected');
      await stream.waitFor((m) => m.event === 'token-expired', 5_000);
      const deadline = Date.now() + 2_000;
      while (!stream.ended() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
      expect(stream.ended()).toBe(true);
    } finally {
      stream.close();
    }
  });
});
