import { OnApplicationShutdown } from '@nestjs/common';
import { ExecutionError, Lock, Redlock, ResourceLockedError } from '@sesamecare-oss/redlock';
import Redis, { RedisOptions } from 'ioredis';
import { UploadLock } from '../../application/ports';
import { UploadLockedError, UploadLockUnavailableError } from '../../application/uploads/upload-locked.error';

export interface RedisUploadLockOptions {
  keyPrefix: string;
  /** Lock lifetime; it is extended while the work runs, so it only matters when a holder dies. */
  ttlMs: number;
}

/**
 * A Redis lock per upload (Redlock on one node: SET NX PX with a random token, extended while the
 * request runs), so it holds across all API instances. Its own connection fails fast, so a Redis
 * outage answers 503 instead of hanging the upload. A holder killed with -9 frees the lock after `ttlMs`.
 */
export class RedisUploadLock implements UploadLock, OnApplicationShutdown {
  private readonly redis: Redis;
  private readonly redlock: Redlock;

  constructor(
    redisOptions: RedisOptions,
    private readonly options: RedisUploadLockOptions,
  ) {
    // One retry per command: a call made while connecting waits for the connection, one made
    // while Redis is down fails within a reconnect attempt instead of queueing forever.
    this.redis = new Redis({
      ...redisOptions,
      maxRetriesPerRequest: 1,
      enableOfflineQueue: true,
      connectTimeout: 2_000,
    });
    this.redis.on('error', () => undefined); // surfaced per call as UploadLockUnavailableError
    this.redlock = new Redlock([this.redis], { retryCount: 0 });
    this.redlock.on('error', () => undefined);
  }

  async withLock<T>(uploadId: string, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const key = `${this.options.keyPrefix}:upload-lock:${uploadId}`;
    let lock: Lock;
    try {
      lock = await this.redlock.acquire([key], this.options.ttlMs);
    } catch (error) {
      throw (await isHeldElsewhere(error)) ? new UploadLockedError(uploadId) : new UploadLockUnavailableError();
    }
    // Extended on a timer while the work runs (not with `using`, whose release errors would
    // replace the work's own result, and whose failed extensions retry without pause).
    const lost = new AbortController();
    const every = Math.max(100, Math.floor(this.options.ttlMs / 3));
    const timer = setInterval(() => {
      lock.extend(this.options.ttlMs).then(
        (extended) => (lock = extended),
        () => {
          if (lock.expiration <= Date.now() + every) lost.abort(new UploadLockUnavailableError());
        },
      );
    }, every);
    try {
      return await work(lost.signal);
    } finally {
      clearInterval(timer);
      await lock.release().catch(() => undefined); // expires by itself otherwise
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

async function isHeldElsewhere(error: unknown): Promise<boolean> {
  if (!(error instanceof ExecutionError)) return false;
  for (const attempt of error.attempts) {
    const stats = await attempt.catch(() => undefined);
    for (const reason of stats?.votesAgainst.values() ?? []) if (reason instanceof ResourceLockedError) return true;
  }
  return false;
}
