import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { LIVE_EVENT_PUBLISHER, LiveEventPublisher } from '../../src/application/ports';
import { ManagedRedis } from '../../src/infrastructure/jobs/redis.client';
import { LiveEventHub, RedisLiveEventPublisher } from '../../src/infrastructure/live-events/redis-live-events';
import { api, uploadMultipart } from '../support/http-client';
import { listen, SseMessage } from '../support/sse-client';
import { startTestApp, TestApp } from '../support/test-app';
import { sleep, until } from '../support/until';
import { PROBLEM_JSON } from '../support/problem';

const WAIT_MS = 15_000;

describe('live events: resuming with Last-Event-ID, and the per-user stream cap', () => {
  let a: TestApp;
  let b: TestApp;
  let redis: Redis;
  let publisher: LiveEventPublisher;
  const prefix = `fs-live-resume-${Date.now().toString(36)}`;
  const user = () => randomUUID();
  const url = (app: TestApp, userId: string, query = '') =>
    `${app.baseUrl}/api/v1/events?access_token=${app.tokenFor(userId)}${query}`;
  const logKey = (userId: string) => `${prefix}:live-log:${userId}`;
  const leasesKey = (userId: string) => `${prefix}:live-streams:${userId}`;
  /** A live event as a subscriber publishes it; `n` tells the order it was published in. */
  const publish = (userId: string, n: number, via: LiveEventPublisher = publisher) =>
    via.publish(userId, {
      id: randomUUID(),
      type: 'file.metadata-updated',
      occurredAt: new Date().toISOString(),
      data: { fileId: randomUUID(), n },
    });
  const ns = (messages: SseMessage[]) => messages.map((m) => m.data.data.n as number);
  const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

  beforeAll(async () => {
    const env = { QUEUE_PREFIX: prefix, LIVE_EVENTS_MAX_STREAMS_PER_USER: '3' };
    a = await startTestApp(env);
    // A second instance on the same database and Redis, with no workers: events reach it only through Redis.
    b = await startTestApp(env, { database: a.db, workers: false });
    redis = new Redis(a.runtime.redisUrl);
    publisher = a.app.get(LIVE_EVENT_PUBLISHER);
  });
  afterAll(async () => {
    await redis?.quit();
    await b?.close();
    await a?.close();
  });
  afterEach(() => jest.restoreAllMocks());

  describe('resuming', () => {
    it('replays on another instance exactly the events missed while disconnected, in order, then goes on live', async () => {
      const alice = user();
      const token = a.tokenFor(alice);
      const first = listen(url(a, alice));
      // Another of alice's connections sees every event live: the order the log must replay them in.
      const observer = listen(url(b, alice));
      let resumed: ReturnType<typeof listen> | undefined;
      try {
        await first.waitFor((m) => m.event === 'connected');
        await observer.waitFor((m) => m.event === 'connected');
        const one = await uploadMultipart(a.baseUrl, Buffer.from('one'), 3, { token, filename: 'one.txt' });
        expect(one.status).toBe(201);
        const seen = await first.waitFor((m) => m.event === 'file.uploaded');
        first.close();

        const two = await uploadMultipart(a.baseUrl, Buffer.from('two'), 3, { token, filename: 'two.txt' });
        expect((await api(a.baseUrl, 'DELETE', `/api/v1/files/${one.body.id}`, token)).status).toBe(204);
        const three = await uploadMultipart(a.baseUrl, Buffer.from('three'), 5, { token, filename: 'three.txt' });
        await observer.waitFor((m) => m.event === 'file.uploaded' && m.data.data.fileId === three.body.id);
        await observer.waitFor((m) => m.event === 'file.deleted' && m.data.data.fileId === one.body.id);
        await observer.waitFor((m) => m.event === 'file.uploaded' && m.data.data.fileId === two.body.id);
        const missed = observer.events().slice(observer.events().findIndex((m) => m.id === seen.id) + 1);
        expect(missed.map((m) => m.event)).toEqual(
          expect.arrayContaining(['file.deleted', 'file.uploaded', 'file.uploaded']),
        );

        resumed = listen(`${b.baseUrl}/api/v1/events`, { authorization: `Bearer ${token}`, 'last-event-id': seen.id! });
        const replaying = resumed;
        await until(() => replaying.events().length >= missed.length, 'the missed events to be replayed', WAIT_MS);
        expect(resumed.events()).toEqual(missed); // same ids, same events, same order
        expect(resumed.messages.some((m) => m.event === 'reset')).toBe(false);

        expect((await api(a.baseUrl, 'DELETE', `/api/v1/files/${three.body.id}`, token)).status).toBe(204);
        const live = await resumed.waitFor((m) => m.event === 'file.deleted' && m.data.data.fileId === three.body.id);
        expect(resumed.events().at(-1)).toEqual(live);
        expect(resumed.events()).toHaveLength(missed.length + 1);

        // The log expires: a user without events costs nothing after the retention.
        const ttl = await redis.ttl(logKey(alice));
        expect(ttl).toBeGreaterThan(0);
        expect(ttl).toBeLessThanOrEqual(86_400);
      } finally {
        [first, observer, resumed].forEach((s) => s?.close());
      }
    });

    it('loses and repeats nothing at the seam while events keep coming during reconnects, alternating instances', async () => {
      const dave = user();
      const total = 300;
      const streams: ReturnType<typeof listen>[] = [];
      let published = 0;
      try {
        streams.push(listen(url(a, dave)));
        await streams[0].waitFor((m) => m.event === 'connected');
        await streams[0].waitFor((m) => m.id !== undefined); // the position a fresh stream starts at
        const publishing = (async () => {
          for (let n = 1; n <= total; n++) {
            await publish(dave, n);
            published = n;
            if (n % 10 === 0) await sleep(5);
          }
        })();
        // Reconnects at random moments, each from where the last connection stopped, by header or by query.
        let lastId: string | undefined;
        for (let i = 1; i <= 8; i++) {
          await until(() => published >= (i * total) / 10, `event ${(i * total) / 10} to be published`, WAIT_MS);
          await sleep(Math.floor(Math.random() * 20));
          const previous = streams[streams.length - 1];
          previous.close();
          const lastEventId = (lastId = previous.lastEventId() ?? lastId)!;
          const app = i % 2 ? b : a;
          streams.push(
            i % 3
              ? listen(url(app, dave, `&lastEventId=${lastEventId}`))
              : listen(url(app, dave), { 'last-event-id': lastEventId }),
          );
        }
        await publishing;
        const last = streams[streams.length - 1];
        await last.waitFor((m) => m.data?.data?.n === total, 30_000);
        const received = streams.flatMap((s) => ns(s.events()));
        expect(received).toEqual(range(1, total));
        expect(streams.some((s) => s.messages.some((m) => m.event === 'reset'))).toBe(false);
      } finally {
        streams.forEach((s) => s.close());
      }
    });

    it('tells a client whose Last-Event-ID is older than the log keeps to re-sync (event: reset), then carries on', async () => {
      const erin = user();
      // A publisher keeping only about 10 events per user (`MAXLEN ~` trims whole stream nodes of 100).
      const trimming = new RedisLiveEventPublisher(redis as unknown as ManagedRedis, {
        ...a.config,
        liveEvents: { ...a.config.liveEvents, replayMax: 10 },
      });
      await publish(erin, 0, trimming);
      const [[oldest]] = await redis.xrange(logKey(erin), '-', '+', 'COUNT', 1);
      for (let n = 1; n <= 250; n++) await publish(erin, n, trimming);
      expect((await redis.xrange(logKey(erin), '-', '+', 'COUNT', 1))[0][0]).not.toBe(oldest); // trimmed
      const [[newest]] = await redis.xrevrange(logKey(erin), '+', '-', 'COUNT', 1);

      const stream = listen(url(b, erin), { 'last-event-id': oldest });
      let again: ReturnType<typeof listen> | undefined;
      try {
        const reset = await stream.waitFor((m) => m.event === 'reset');
        expect(reset).toEqual({ id: newest, event: 'reset', data: {} });
        expect(stream.events()).toEqual([]); // no partial replay: the client re-reads its lists instead
        await publish(erin, 251, trimming);
        expect(ns([await stream.waitFor((m) => m.data?.data?.n === 251)])).toEqual([251]);
        stream.close();

        // The reset's id is a position like any other.
        await publish(erin, 252, trimming);
        again = listen(url(a, erin), { 'last-event-id': reset.id! });
        await again.waitFor((m) => m.data?.data?.n === 252);
        expect(ns(again.events())).toEqual([251, 252]);
      } finally {
        stream.close();
        again?.close();
      }
    });

    it('resets a Last-Event-ID from a log that is gone (expired, or Redis lost it), and gives a position that resumes', async () => {
      const frank = user(); // no log at all
      const stream = listen(url(a, frank, '&lastEventId=1700000000000-0'));
      let again: ReturnType<typeof listen> | undefined;
      try {
        const reset = await stream.waitFor((m) => m.event === 'reset');
        expect(reset.id).toMatch(/^\d+-\d+$/);
        stream.close();
        await publish(frank, 1);
        await publish(frank, 2);
        again = listen(url(b, frank, `&lastEventId=${reset.id}`));
        await again.waitFor((m) => m.data?.data?.n === 2);
        expect(ns(again.events())).toEqual([1, 2]);
        expect(again.messages.some((m) => m.event === 'reset')).toBe(false);
      } finally {
        stream.close();
        again?.close();
      }
    });

    it('gives a new stream a position at once, so a client that saw no event yet still resumes without a gap', async () => {
      const gina = user();
      const stream = listen(url(b, gina));
      let again: ReturnType<typeof listen> | undefined;
      try {
        const position = await stream.waitFor((m) => m.id !== undefined);
        expect(position).toEqual({ id: expect.stringMatching(/^\d+-\d+$/) }); // an id, no event: EventSource only remembers it
        expect(stream.messages[0]).toEqual({ retry: expect.any(Number), event: 'connected' });
        expect(stream.messages[0].retry).toBeGreaterThanOrEqual(2_000);
        expect(stream.messages[0].retry).toBeLessThanOrEqual(5_000);
        stream.close();
        await publish(gina, 1);
        again = listen(url(a, gina), { 'last-event-id': position.id! });
        await again.waitFor((m) => m.data?.data?.n === 1);
        expect(ns(again.events())).toEqual([1]);
      } finally {
        stream.close();
        again?.close();
      }
    });

    it('ends the streams of an instance whose Redis subscription dropped; resuming fills what it did not hear', async () => {
      const hank = user();
      const stream = listen(url(b, hank));
      let again: ReturnType<typeof listen> | undefined;
      try {
        await stream.waitFor((m) => m.id !== undefined);
        await publish(hank, 1);
        await stream.waitFor((m) => m.data?.data?.n === 1);
        // ioredis reconnects by itself
        b.app.get<unknown, { subscriber: Redis }>(LiveEventHub).subscriber.disconnect(true);
        await until(() => stream.ended(), 'the stream to end', WAIT_MS);
        await publish(hank, 2);
        again = listen(url(b, hank), { 'last-event-id': stream.lastEventId()! });
        await again.waitFor((m) => m.data?.data?.n === 2);
        await publish(hank, 3);
        await again.waitFor((m) => m.data?.data?.n === 3);
        expect(ns(again.events())).toEqual([2, 3]);
      } finally {
        stream.close();
        again?.close();
      }
    });

    it('logs and announces an event once, however often its subscriber job runs', async () => {
      const liv = user();
      const stream = listen(url(b, liv));
      try {
        await stream.waitFor((m) => m.id !== undefined);
        const event = {
          id: randomUUID(),
          type: 'file.deleted',
          occurredAt: new Date().toISOString(),
          data: { fileId: randomUUID(), n: 1 },
        };
        await Promise.all([publisher.publish(liv, event), publisher.publish(liv, event)]);
        await publisher.publish(liv, event);
        await publish(liv, 2);
        await stream.waitFor((m) => m.data?.data?.n === 2);
        expect(ns(stream.events())).toEqual([1, 2]);
        expect((await redis.xrange(logKey(liv), '-', '+')).filter(([, fields]) => fields[0] === 'e')).toHaveLength(2);
      } finally {
        stream.close();
      }
    });

    it('refuses a malformed lastEventId parameter with 400 problem+json', async () => {
      const ivy = user();
      for (const query of ['&lastEventId=12-x', '&lastEventId=99999999999999999999999-0', '&lastEventId=nope']) {
        const res = await fetch(url(b, ivy, query), { headers: { accept: 'text/event-stream' } });
        expect(res.status).toBe(400);
        expect(res.headers.get('content-type')).toMatch(PROBLEM_JSON);
        expect(await res.json()).toMatchObject({
          type: 'https://flexstorage.dev/problems/invalid-last-event-id',
          title: 'Bad Request',
          status: 400,
          detail: expect.stringContaining('lastEventId'),
        });
      }
      expect(await redis.zcard(leasesKey(ivy))).toBe(0); // refused before taking a slot
    });

    it('answers a Last-Event-ID header it never sent (an id from before an upgrade) with reset, not an error that would end EventSource for good', async () => {
      const jay = user();
      await publish(jay, 1);
      for (const header of ['nope', '0196f000-0000-7000-8000-00000000e001']) {
        const stream = listen(url(b, jay), { 'last-event-id': header });
        try {
          expect((await stream.connected).status).toBe(200);
          const reset = await stream.waitFor((m) => m.event === 'reset');
          expect(reset.id).toMatch(/^\d+-\d+$/);
          expect(stream.events()).toEqual([]);
        } finally {
          stream.close();
        }
      }
    });
  });

  describe('the cap on open streams', () => {
    const openStream = async (app: TestApp, userId: string, token = app.tokenFor(userId)) => {
      const stream = listen(`${app.baseUrl}/api/v1/events?access_token=${token}`);
      const res = await stream.connected;
      if (res.status === 200) await stream.waitFor((m) => m.event === 'connected');
      return { stream, res };
    };

    it('answers 429 problem+json with Retry-After beyond the limit on all instances together, and frees a slot when a stream closes', async () => {
      const jack = user();
      const open = [await openStream(a, jack), await openStream(b, jack), await openStream(a, jack)];
      try {
        expect(open.map((o) => o.res.status)).toEqual([200, 200, 200]);
        for (const app of [a, b]) {
          const refused = await openStream(app, jack);
          expect(refused.res.status).toBe(429);
          expect(refused.res.headers.get('content-type')).toMatch(PROBLEM_JSON);
          expect(Number(refused.res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
          expect(await refused.res.json()).toMatchObject({
            type: 'https://flexstorage.dev/problems/too-many-live-streams',
            title: 'Too Many Requests',
            status: 429,
            detail: expect.stringContaining('3'),
          });
        }
        open[1].stream.close();
        const next = await until(
          async () => {
            const attempt = await openStream(a, jack);
            if (attempt.res.status === 200) return attempt;
            attempt.stream.close();
            return undefined;
          },
          'a slot to free up',
          WAIT_MS,
        );
        open.push(next);
      } finally {
        open.forEach((o) => o.stream.close());
      }
      await until(async () => (await redis.zcard(leasesKey(jack))) === 0, 'every slot to be given back', WAIT_MS);
    });

    it('stops counting a stream whose instance died without closing it once its lease lapsed', async () => {
      const kim = user();
      const longAgo = Date.now() - 10 * 60_000;
      await redis.zadd(leasesKey(kim), longAgo, 'dead-1', longAgo, 'dead-2', longAgo, 'dead-3');
      const open = [await openStream(a, kim), await openStream(b, kim), await openStream(b, kim)];
      try {
        expect(open.map((o) => o.res.status)).toEqual([200, 200, 200]);
        expect((await redis.zrange(leasesKey(kim), 0, -1)).filter((id) => id.startsWith('dead-'))).toEqual([]);
        expect(await redis.pttl(leasesKey(kim))).toBeGreaterThan(0); // the set itself goes when nobody renews it
      } finally {
        open.forEach((o) => o.stream.close());
      }
    });

    it('gives the slot back when the stream ends with its token, or could not be opened', async () => {
      const lee = user();
      const expiring = await openStream(b, lee, b.tokenFor(lee, ['user'], { expiresIn: 2 }));
      try {
        expect(await redis.zcard(leasesKey(lee))).toBe(1);
        await expiring.stream.waitFor((m) => m.event === 'token-expired', 10_000);
        await until(
          async () => (await redis.zcard(leasesKey(lee))) === 0,
          "the expired stream's slot to be given back",
          WAIT_MS,
        );
      } finally {
        expiring.stream.close();
      }

      jest.spyOn(b.app.get(LiveEventHub), 'open').mockRejectedValueOnce(new Error('Connection is closed.'));
      const failed = await openStream(b, lee);
      expect(failed.res.status).toBe(503);
      expect(failed.res.headers.get('content-type')).toMatch(PROBLEM_JSON);
      await until(
        async () => (await redis.zcard(leasesKey(lee))) === 0,
        "the failed stream's slot to be given back",
        WAIT_MS,
      );
    });
  });
});
