import { startPrivateRedis, PrivateRedis } from '../support/private-redis';
import { RedisLiveStreamLeases } from '../../src/infrastructure/live-events/redis-live-stream-leases';
import { startTestApp, TestApp } from '../support/test-app';
import { until } from '../support/until';
import { PROBLEM_JSON } from '../support/problem';

/** Live events while Redis is away: a clear 503 at once, not a request held open until it returns. */
describe('live events with Redis down (e2e, a private redis-server stopped and started)', () => {
  let redis: PrivateRedis;
  let t: TestApp;

  beforeAll(async () => {
    redis = await startPrivateRedis();
    // The 503s it provokes on purpose are logged as errors; kept out of the test output.
    t = await startTestApp({ LOG_LEVEL: 'fatal' }, { redisUrl: redis.url, workers: false });
  });
  afterAll(async () => {
    if (redis && !redis.running()) await redis.start();
    await t?.close();
    await redis?.dispose();
  });

  it('answers 503 problem+json with Retry-After within seconds while Redis is down, and streams again once it is back', async () => {
    const url = `${t.baseUrl}/api/v1/events?access_token=${t.tokenFor('0196f000-0000-7000-8000-0000000f0001')}`;
    await redis.stop();
    const started = Date.now();
    const res = await fetch(url, { headers: { accept: 'text/event-stream' }, signal: AbortSignal.timeout(15_000) });
    expect(res.status).toBe(503);
    expect(res.headers.get('content-type')).toMatch(PROBLEM_JSON);
    expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(Date.now() - started).toBeLessThan(5_000);

    await redis.start();
    const deadline = Date.now() + 20_000;
    for (;;) {
      const again = await fetch(url, {
        headers: { accept: 'text/event-stream' },
        signal: AbortSignal.timeout(5_000),
      }).catch(() => undefined);
      if (again?.status === 200) {
        await again.body?.cancel();
        break;
      }
      await again?.body?.cancel();
      if (Date.now() > deadline) throw new Error(`the stream did not come back (last status ${again?.status})`);
      await new Promise((r) => setTimeout(r, 200));
    }
  });

  it('answers 503 within seconds when Redis stops answering mid-request, and gives back the slot it got too late', async () => {
    const userId = '0196f000-0000-7000-8000-0000000f0002';
    const leases = t.app.get(RedisLiveStreamLeases);
    const real = leases.acquire.bind(leases);
    let released = false;
    // Redis "answers" only after the request gave up: the slot then taken must not be kept.
    jest.spyOn(leases, 'acquire').mockImplementationOnce(async (id: string) => {
      await new Promise((r) => setTimeout(r, 7_000));
      const slot = await real(id);
      if ('release' in slot) {
        const release = slot.release;
        return {
          release: async () => {
            released = true;
            await release();
          },
        };
      }
      return slot;
    });
    const started = Date.now();
    const res = await fetch(`${t.baseUrl}/api/v1/events?access_token=${t.tokenFor(userId)}`, {
      headers: { accept: 'text/event-stream' },
      signal: AbortSignal.timeout(15_000),
    });
    expect(res.status).toBe(503);
    expect(res.headers.get('content-type')).toMatch(PROBLEM_JSON);
    expect(Date.now() - started).toBeLessThan(6_500);
    await until(async () => released, 'the late slot to be given back', 15_000);
  }, 30_000);
});
