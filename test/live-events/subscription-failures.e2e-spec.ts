import { Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { LiveEventHub } from '../../src/infrastructure/live-events/redis-live-events';
import { uploadMultipart } from '../support/http-client';
import { startTestApp, TestApp } from '../support/test-app';
import { sleep, until } from '../support/until';

/** A live subscription (GET /api/v1/events) whose Redis SUBSCRIBE fails or is slow: what the client and logs see. */
describe('live events when the Redis subscription fails or is slow (e2e)', () => {
  let t: TestApp;
  const user = (n: number) => `0196f000-0000-7000-8000-${String(n).padStart(12, '0')}`;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t?.close());
  afterEach(() => jest.restoreAllMocks());

  /** Opens GET /api/v1/events; collects the raw text. */
  function openStream(query: string) {
    const controller = new AbortController();
    let text = '';
    const opened = fetch(`${t.baseUrl}/api/v1/events${query}`, {
      headers: { accept: 'text/event-stream' },
      signal: controller.signal,
    }).then(async (res) => {
      void (async () => {
        try {
          for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>)
            text += Buffer.from(chunk).toString('utf8');
        } catch {
          /* cut or aborted */
        }
      })();
      return res;
    });
    opened.catch(() => undefined);
    return { opened, text: () => text, close: () => controller.abort() };
  }

  const upload = (token: string) => {
    const data = randomBytes(64);
    return uploadMultipart(t.baseUrl, data, data.length, { token, filename: `${randomBytes(4).toString('hex')}.bin` });
  };

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

  it('a client reconnecting after one failed live subscription still receives its events', async () => {
    const id = user(2);
    const token = t.tokenFor(id);
    const hub = t.app.get<unknown, { connection(): unknown }>(LiveEventHub);
    const real = hub.connection.bind(hub) as () => {
      subscribe(c: string): Promise<unknown>;
      unsubscribe(c: string): Promise<unknown>;
    };
    let failNext = true;
    jest.spyOn(hub, 'connection').mockImplementation(() => {
      const redis = real();
      if (!failNext) return redis;
      failNext = false;
      return {
        subscribe: () => Promise.reject(new Error('Connection is closed.')),
        unsubscribe: (c: string) => redis.unsubscribe(c),
      };
    });
    const first = openStream(`?access_token=${token}`);
    await first.opened.catch(() => undefined);
    await sleep(200);
    first.close();

    const second = openStream(`?access_token=${token}`);
    try {
      await second.opened;
      await until(async () => second.text().includes(': connected'), 'the second stream to open', 5_000);
      expect((await upload(token)).status).toBe(201);
      await until(
        async () => second.text().includes('event: file.uploaded'),
        'file.uploaded on the second stream',
        5_000,
      );
    } finally {
      second.close();
    }
  });

  it('a client that leaves while its live subscription is being made leaves no listener behind', async () => {
    const id = user(3);
    const hub = t.app.get<unknown, { connection(): unknown; listeners: Map<string, Set<unknown>> }>(LiveEventHub);
    const real = hub.connection.bind(hub) as () => {
      subscribe(c: string): Promise<unknown>;
      unsubscribe(c: string): Promise<unknown>;
    };
    // A slow SUBSCRIBE (Redis busy, or reconnecting: ioredis queues it).
    jest.spyOn(hub, 'connection').mockImplementation(() => {
      const redis = real();
      return {
        subscribe: async (c: string) => (await sleep(500), redis.subscribe(c)),
        unsubscribe: (c: string) => redis.unsubscribe(c),
      };
    });
    const stream = openStream(`?access_token=${t.tokenFor(id)}`);
    await stream.opened;
    stream.close(); // gone before the subscription answered
    await sleep(1_000);
    expect(hub.listeners.has(id)).toBe(false);
  });
});
