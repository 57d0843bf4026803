import { Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { LiveEventHub } from '../src/infrastructure/live-events/redis-live-events';
import { api, uploadMultipart } from './support/http-client';
import { startTestApp, TestApp } from './support/test-app';
import { bullQueue, JobsApi, PROBLEM, sleep, sql, waitFor } from './jobs/job-support';

/**
 * Found by a review of the job platform, dashboard, live events, webhooks and purge: each spec
 * states what the service must do under hostile input, failures and volume.
 */
describe('job platform, dashboard, live events, webhooks and purge under attack and load', () => {
  let t: TestApp;
  let jobs: JobsApi;
  const user = (n: number) => `0196f000-0000-7000-8000-${String(n).padStart(12, '0')}`;

  beforeAll(async () => {
    t = await startTestApp({
      WEBHOOKS_ALLOW_PRIVATE_NETWORKS: 'true',
      WEBHOOKS_ALLOW_HTTP: 'true',
      // The purge only when a spec asks for it, and everything in the trash past retention.
      DELETED_RETENTION_DAYS: '0',
      SCHEDULE_PURGE_DELETED_FILES: '0 0 1 1 *',
    });
    jobs = new JobsApi(t);
  });
  afterAll(() => t?.close());
  afterEach(() => jest.restoreAllMocks());

  /** Opens GET /api/v1/events; collects the raw text. */
  function openStream(query: string) {
    const controller = new AbortController();
    let text = '';
    const opened = fetch(`${t.baseUrl}/api/v1/events${query}`, { headers: { accept: 'text/event-stream' }, signal: controller.signal }).then(async (res) => {
      void (async () => {
        try {
          for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) text += Buffer.from(chunk).toString('utf8');
        } catch {
          /* cut or aborted */
        }
      })();
      return res;
    });
    opened.catch(() => undefined);
    return { opened, text: () => text, close: () => controller.abort() };
  }

  describe('security', () => {
    it('never writes an SSE access_token into the logs, even when opening the stream fails', async () => {
      const token = t.tokenFor(user(1));
      const lines: string[] = [];
      for (const level of ['error', 'warn', 'log'] as const) {
        jest.spyOn(Logger.prototype, level).mockImplementation(function (this: Logger, ...args: unknown[]) {
          lines.push(args.map(String).join(' '));
        });
      }
      // Redis refusing the SUBSCRIBE (a restart, a failover).
      jest.spyOn(t.app.get(LiveEventHub), 'subscribe').mockRejectedValueOnce(new Error('Connection is closed.'));
      const stream = openStream(`?access_token=${token}`);
      await stream.opened.catch(() => undefined);
      await sleep(300);
      stream.close();
      expect(lines.length).toBeGreaterThan(0); // the failure was logged…
      expect(lines.filter((l) => l.includes(token))).toEqual([]); // …without the bearer token in it
    });

    it('refuses a board mutation posted as a plain form with the session cookie from a foreign origin (same-site CSRF)', async () => {
      const session = await api(t.baseUrl, 'POST', '/api/v1/admin/dashboard-session', t.tokenFor('root', ['admin']));
      expect(session.status).toBe(204);
      const cookie = String(session.headers['set-cookie']).split(';')[0];
      const diagnostics = bullQueue(t, 'diagnostics');
      const unnamed = async () => (await diagnostics.getJobs(['waiting', 'active', 'prioritized', 'completed', 'failed'], 0, 1000)).filter((j) => j && j.name === '').length;
      try {
        const before = await unnamed();
        // What <form method=post action=".../add"> on a sibling subdomain sends: SameSite=Strict lets the cookie through,
        // a form needs no preflight, and nothing checks Origin. (bull-board then adds a job with an empty name.)
        const res = await fetch(`${t.baseUrl}/admin/queues/api/queues/diagnostics/add`, {
          method: 'POST',
          headers: { cookie, origin: 'https://uploads.evil.example', 'content-type': 'application/x-www-form-urlencoded' },
          body: 'name=noop',
        });
        expect({ status: res.status, added: (await unnamed()) - before }).toEqual({ status: 403, added: 0 });
      } finally {
        await diagnostics.close();
      }
    });
  });

  describe('reliability', () => {
    const upload = (token: string) => {
      const data = randomBytes(64);
      return uploadMultipart(t.baseUrl, data, data.length, { token, filename: `${randomBytes(4).toString('hex')}.bin` });
    };

    it('a client reconnecting after one failed live subscription still receives its events', async () => {
      const id = user(2);
      const token = t.tokenFor(id);
      const hub = t.app.get<unknown, { connection(): unknown }>(LiveEventHub);
      const real = hub.connection.bind(hub) as () => { subscribe(c: string): Promise<unknown>; unsubscribe(c: string): Promise<unknown> };
      let failNext = true;
      jest.spyOn(hub, 'connection').mockImplementation(() => {
        const redis = real();
        if (!failNext) return redis;
        failNext = false;
        return { subscribe: () => Promise.reject(new Error('Connection is closed.')), unsubscribe: (c: string) => redis.unsubscribe(c) };
      });
      const first = openStream(`?access_token=${token}`);
      await first.opened.catch(() => undefined);
      await sleep(200);
      first.close();

      const second = openStream(`?access_token=${token}`);
      try {
        await second.opened;
        await waitFor(async () => second.text().includes(': connected'), 'the second stream to open', 5_000);
        expect((await upload(token)).status).toBe(201);
        await waitFor(async () => second.text().includes('event: file.uploaded'), 'file.uploaded on the second stream', 5_000);
      } finally {
        second.close();
      }
    });

    it('a client that leaves while its live subscription is being made leaves no listener behind', async () => {
      const id = user(3);
      const hub = t.app.get<unknown, { connection(): unknown; listeners: Map<string, Set<unknown>> }>(LiveEventHub);
      const real = hub.connection.bind(hub) as () => { subscribe(c: string): Promise<unknown>; unsubscribe(c: string): Promise<unknown> };
      // A slow SUBSCRIBE (Redis busy, or reconnecting: ioredis queues it).
      jest.spyOn(hub, 'connection').mockImplementation(() => {
        const redis = real();
        return { subscribe: async (c: string) => (await sleep(500), redis.subscribe(c)), unsubscribe: (c: string) => redis.unsubscribe(c) };
      });
      const stream = openStream(`?access_token=${t.tokenFor(id)}`);
      await stream.opened;
      stream.close(); // gone before the subscription answered
      await sleep(1_000);
      expect(hub.listeners.has(id)).toBe(false);
    });

    it('one purge run empties the trash of every file past its retention, not only the first 200', async () => {
      const token = t.tokenFor(user(4));
      const ids: string[] = [];
      for (let i = 0; i < 21; i++) {
        const batch = await Promise.all(Array.from({ length: 10 }, () => upload(token)));
        for (const r of batch) {
          expect(r.status).toBe(201);
          ids.push(r.body.id);
        }
      }
      for (let i = 0; i < ids.length; i += 10) {
        await Promise.all(ids.slice(i, i + 10).map(async (fileId) => expect((await api(t.baseUrl, 'DELETE', `/api/v1/files/${fileId}`, token)).status).toBe(204)));
      }
      const maintenance = bullQueue(t, 'maintenance');
      try {
        const job = await maintenance.add('purge-deleted-files', {});
        const done = await jobs.until(`maintenance.${job.id}`, ['completed', 'failed'], 60_000);
        expect(done.state).toBe('completed');
      } finally {
        await maintenance.close();
      }
      const [{ n }] = await sql(t, `select count(*)::int as n from files where status = 'deleted' and owner_id = $1`, [user(4)]);
      expect(n).toBe(0); // 210 deleted, the daily run purges 200: the trash never catches up
    });
  });

  describe('errors', () => {
    it('answers 401 problem+json, not 500, to a malformed dashboard cookie', async () => {
      const res = await api(t.baseUrl, 'GET', '/admin/queues/api/queues', undefined, undefined, { cookie: 'fs_dashboard=%E0%A4%A' });
      expect(res.status).toBe(401);
      expect(res.headers['content-type']).toMatch(PROBLEM);
    });

    it('answers 400, not 500, to a delivery-log cursor whose id is not a uuid', async () => {
      const token = t.tokenFor(user(5));
      const hook = await api(t.baseUrl, 'POST', '/api/v1/webhooks', token, { url: 'http://127.0.0.1:9/hook', events: ['file.uploaded'] });
      expect(hook.status).toBe(201);
      const cursor = Buffer.from(JSON.stringify(['2020-01-01T00:00:00.000Z', '-'.repeat(36)])).toString('base64url');
      const res = await api(t.baseUrl, 'GET', `/api/v1/webhooks/${hook.body.id}/deliveries?cursor=${cursor}`, token);
      expect(res.status).toBe(400);
    });

    it('answers 400, not 500, to a dead-letter offset Redis cannot take', async () => {
      const res = await jobs.deadLetters(jobs.admin, '?offset=100000000000000000000');
      expect(res.status).toBe(400);
    });
  });

  describe('performance', () => {
    it('counts dead letters beyond 10,000 in /metrics', async () => {
      const letters = bullQueue(t, 'dead-letters');
      try {
        for (let i = 0; i < 10_001; i += 1_000) {
          await letters.addBulk(
            Array.from({ length: Math.min(1_000, 10_001 - i) }, (_, k) => ({
              name: 'noop',
              data: { queue: 'diagnostics', name: 'noop', jobId: String(i + k), data: {}, opts: {}, failedReason: 'x', stacktrace: [], attemptsMade: 1, failedAt: Date.now() },
              opts: { jobId: `diagnostics.bulk-${i + k}` },
            })),
          );
        }
      } finally {
        await letters.close();
      }
      const metrics = await api<string>(t.baseUrl, 'GET', '/metrics');
      expect(/flexstorage_dead_letters\{queue="diagnostics"\} (\d+)/.exec(metrics.body)?.[1]).toBe('10001');
    });
  });
});
