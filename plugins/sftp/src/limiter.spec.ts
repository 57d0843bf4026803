import { Limiter } from './limiter';

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('Limiter', () => {
  it('lets at most `limit` operations run at once, the rest in arrival order', async () => {
    const limiter = new Limiter(2);
    const started: number[] = [];
    const finish: Array<() => void> = [];
    const runs = [0, 1, 2, 3].map((n) =>
      limiter.run(async () => {
        started.push(n);
        await new Promise<void>((resolve) => finish.push(resolve));
      }),
    );
    await tick();
    expect(started).toEqual([0, 1]);
    finish.shift()?.();
    await tick();
    expect(started).toEqual([0, 1, 2]);
    while (finish.length > 0) {
      finish.shift()?.();
      await tick();
    }
    await Promise.all(runs);
    expect(started).toEqual([0, 1, 2, 3]);
    expect(limiter.inUse).toBe(0);
  });

  it('drops a waiter whose signal aborts, rejecting with its reason', async () => {
    const limiter = new Limiter(1);
    const release = await limiter.acquire();
    const controller = new AbortController();
    const waiting = limiter.acquire(controller.signal);
    controller.abort(new Error('gave up'));
    await expect(waiting).rejects.toThrow('gave up');
    release();
    expect(limiter.inUse).toBe(0);
    const again = await limiter.acquire();
    expect(limiter.inUse).toBe(1);
    again();
  });

  it('ignores a second release of the same slot', async () => {
    const limiter = new Limiter(1);
    const release = await limiter.acquire();
    release();
    release();
    expect(limiter.inUse).toBe(0);
  });
});
