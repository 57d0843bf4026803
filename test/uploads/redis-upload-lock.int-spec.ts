import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { UploadLockedError, UploadLockUnavailableError } from '../../src/application/uploads/upload-locked.error';
import { redisOptionsFromUrl } from '../../src/infrastructure/jobs/redis.client';
import { RedisUploadLock } from '../../src/infrastructure/uploads/redis-upload.lock';
import { sleep } from '../support/until';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
/** Keys of this run only. */
const keyPrefix = `flexstorage-test-${randomUUID()}`;
const keyOf = (uploadId: string) => `${keyPrefix}:upload-lock:${uploadId}`;

/** A time limit to race against: it does not keep the worker alive once the test is done. */
const timeout = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms).unref());

/** Something the test can let go of: a promise and its resolve. */
function gate(): { opened: Promise<void>; open(): void } {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

describe('RedisUploadLock', () => {
  const locks: RedisUploadLock[] = [];
  let redis: Redis;

  /** A lock instance (as one API instance), once its connection is up. */
  async function lockInstance(ttlMs = 5_000, url = REDIS_URL): Promise<RedisUploadLock> {
    const lock = new RedisUploadLock(redisOptionsFromUrl(url), { keyPrefix, ttlMs });
    locks.push(lock);
    const until = Date.now() + 5_000;
    for (;;) {
      const error = await lock
        .withLock(`connect-${randomUUID()}`, async () => undefined)
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      if (!(error instanceof UploadLockUnavailableError) || Date.now() > until) break;
      await sleep(20);
    }
    return lock;
  }

  beforeAll(async () => {
    redis = new Redis(redisOptionsFromUrl(REDIS_URL));
    await redis.ping();
  });
  afterAll(async () => {
    await Promise.all(locks.map((lock) => lock.onApplicationShutdown()));
    const keys = await redis.keys(`${keyPrefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });

  it("runs the work under a Redis key of its own and returns the work's value", async () => {
    const lock = await lockInstance();
    const id = randomUUID();
    const result = await lock.withLock(id, async (signal) => {
      expect(signal).toBeInstanceOf(AbortSignal);
      expect(signal.aborted).toBe(false);
      expect(await redis.exists(keyOf(id))).toBe(1);
      const ttl = await redis.pttl(keyOf(id));
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(5_000);
      return { written: 42 };
    });
    expect(result).toEqual({ written: 42 });
    expect(await redis.exists(keyOf(id))).toBe(0);
  });

  it('refuses a second request for the same upload at once with UploadLockedError, without running its work', async () => {
    const lock = await lockInstance();
    const id = randomUUID();
    const holding = gate();
    const first = lock.withLock(id, async () => {
      await holding.opened;
      return 'first';
    });
    await sleep(50);
    let secondRan = false;
    const started = Date.now();
    const error = await rejection(
      lock.withLock(id, async () => {
        secondRan = true;
      }),
    );
    expect(Date.now() - started).toBeLessThan(500);
    expect(error).toBeInstanceOf(UploadLockedError);
    expect((error as UploadLockedError).code).toBe('upload-locked');
    expect((error as UploadLockedError).kind).toBe('locked');
    expect(secondRan).toBe(false);
    holding.open();
    expect(await first).toBe('first');
  });

  it('runs the work of different uploads at the same time', async () => {
    const lock = await lockInstance();
    const running = new Set<string>();
    let overlap = 0;
    const both = gate();
    const work = (name: string) => async () => {
      running.add(name);
      overlap = Math.max(overlap, running.size);
      if (running.size === 2) both.open();
      await Promise.race([both.opened, timeout(2_000)]);
      running.delete(name);
      return name;
    };
    expect(await Promise.all([lock.withLock(randomUUID(), work('a')), lock.withLock(randomUUID(), work('b'))])).toEqual(
      ['a', 'b'],
    );
    expect(overlap).toBe(2);
  });

  it('releases the lock once the work has succeeded', async () => {
    const lock = await lockInstance();
    const id = randomUUID();
    expect(await lock.withLock(id, async () => 1)).toBe(1);
    expect(await redis.exists(keyOf(id))).toBe(0);
    const started = Date.now();
    expect(await lock.withLock(id, async () => 2)).toBe(2);
    expect(Date.now() - started).toBeLessThan(500);
  });

  it("releases the lock when the work throws, and rethrows the work's own error", async () => {
    const lock = await lockInstance();
    const id = randomUUID();
    const failure = new Error('provider down');
    expect(
      await rejection(
        lock.withLock(id, async () => {
          await sleep(10);
          throw failure;
        }),
      ),
    ).toBe(failure);
    expect(await redis.exists(keyOf(id))).toBe(0);
    expect(await lock.withLock(id, async () => 'again')).toBe('again');
  });

  it('extends the lock while the work runs longer than ttlMs (1 s lock, 2.5 s of work)', async () => {
    const lock = await lockInstance(1_000);
    const contender = await lockInstance(1_000);
    const id = randomUUID();
    const seen: Array<{ at: number; locked: boolean; pttl: number }> = [];
    let aborted = false;
    const started = Date.now();
    const holding = lock.withLock(id, async (signal) => {
      await sleep(2_500);
      aborted = signal.aborted;
      return 'done';
    });
    for (const at of [300, 1_200, 1_800, 2_300]) {
      await sleep(started + at - Date.now());
      const error = await rejection(contender.withLock(id, async () => 'stolen'));
      seen.push({ at, locked: error instanceof UploadLockedError, pttl: await redis.pttl(keyOf(id)) });
    }
    expect(await holding).toBe('done');
    expect(aborted).toBe(false);
    for (const s of seen) {
      expect(s).toEqual({ at: s.at, locked: true, pttl: expect.any(Number) });
      expect(s.pttl).toBeGreaterThan(0);
      expect(s.pttl).toBeLessThanOrEqual(1_000);
    }
    expect(await contender.withLock(id, async () => 'mine now')).toBe('mine now');
  });

  it('excludes each other across two instances (as two API instances), both ways', async () => {
    const a = await lockInstance();
    const b = await lockInstance();
    const id = randomUUID();
    for (const [holder, other] of [
      [a, b],
      [b, a],
    ]) {
      const holding = gate();
      const work = holder.withLock(id, () => holding.opened.then(() => 'held'));
      await sleep(50);
      expect(await rejection(other.withLock(id, async () => 'both'))).toBeInstanceOf(UploadLockedError);
      holding.open();
      expect(await work).toBe('held');
    }
    expect(await b.withLock(id, async () => 'free')).toBe('free');
  });

  it('frees an upload after ttlMs when its holder died without releasing it', async () => {
    const lock = await lockInstance(1_000);
    const id = randomUUID();
    // What a process killed with -9 leaves: its key with its own token, never extended again.
    await redis.set(keyOf(id), 'token-of-a-dead-process', 'PX', 800);
    expect(await rejection(lock.withLock(id, async () => 'early'))).toBeInstanceOf(UploadLockedError);
    await sleep(900);
    expect(await lock.withLock(id, async () => 'later')).toBe('later');
  });

  it("aborts the work's signal when the lock is lost, and never deletes the lock another holder took", async () => {
    const lock = await lockInstance(1_000);
    const id = randomUUID();
    let abortedAfter: number | undefined;
    let reason: unknown;
    const result = await lock.withLock(id, async (signal) => {
      await sleep(100);
      // The lock expired unnoticed (e.g. a long GC pause) and another holder took it.
      await redis.set(keyOf(id), 'another-holder', 'PX', 10_000);
      const stolenAt = Date.now();
      await Promise.race([new Promise((resolve) => signal.addEventListener('abort', resolve)), timeout(2_500)]);
      if (signal.aborted) abortedAfter = Date.now() - stolenAt;
      reason = signal.reason;
      return 'finished';
    });
    expect(result).toBe('finished');
    expect(abortedAfter).toBeDefined();
    expect(abortedAfter).toBeLessThan(1_500);
    expect(reason).toBeInstanceOf(UploadLockUnavailableError);
    expect(await redis.get(keyOf(id))).toBe('another-holder');
    await redis.del(keyOf(id));
  });

  it('answers UploadLockUnavailableError quickly, not a hang, when Redis is unreachable (closed port)', async () => {
    const lock = new RedisUploadLock(redisOptionsFromUrl('redis://127.0.0.1:1'), { keyPrefix, ttlMs: 1_000 });
    try {
      for (const wait of [0, 300]) {
        await sleep(wait); // at once, and after its reconnect attempts began
        let ran = false;
        const started = Date.now();
        const error = await rejection(
          lock.withLock(randomUUID(), async () => {
            ran = true;
          }),
        );
        expect(Date.now() - started).toBeLessThan(3_000);
        expect(error).toBeInstanceOf(UploadLockUnavailableError);
        expect((error as UploadLockUnavailableError).code).toBe('upload-lock-unavailable');
        expect(ran).toBe(false);
      }
    } finally {
      const closing = Date.now();
      await lock.onApplicationShutdown();
      expect(Date.now() - closing).toBeLessThan(3_000);
    }
  });

  it('takes the lock on its first call right after construction while Redis is up (not "unreachable")', async () => {
    const lock = new RedisUploadLock(redisOptionsFromUrl(REDIS_URL), { keyPrefix, ttlMs: 1_000 });
    locks.push(lock);
    expect(await lock.withLock(randomUUID(), async () => 'first request')).toBe('first request');
  });
});
