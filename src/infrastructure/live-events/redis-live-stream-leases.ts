import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { LiveStreamLeases, LiveStreamSlot } from '../../application/live-events';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { ManagedRedis, REDIS_CLIENT } from '../jobs/redis.client';
import { RedisScript } from '../jobs/redis-script';

/** A stream's slot lapses this long after its last renewal, so one whose instance died stops counting. */
const LEASE_MS = 60_000;
const RENEW_EVERY_MS = 20_000;

const leasesKey = (prefix: string, userId: string) => `${prefix}:live-streams:${userId}`;

/**
 * Drops lapsed slots, then takes one if fewer than ARGV[2] remain: -1 when taken, else the ms until
 * the oldest would lapse unrenewed (the Retry-After). Scores are Redis's clock, not the instances'.
 */
const ACQUIRE = new RedisScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local lease = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - lease)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then
  local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  return tonumber(oldest[2]) + lease - now
end
redis.call('ZADD', KEYS[1], now, ARGV[1])
redis.call('PEXPIRE', KEYS[1], lease)
return -1
`);

/** Renews the slots ARGV[2..] (the streams of this user open on this instance). */
const RENEW = new RedisScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
for i = 2, #ARGV do redis.call('ZADD', KEYS[1], now, ARGV[i]) end
redis.call('PEXPIRE', KEYS[1], ARGV[1])
`);

/**
 * How many live streams a user holds open, on all API instances together: a sorted set per user of
 * stream ids scored by their last renewal. A stream closed cleanly leaves at once; one whose
 * instance died without closing it stops counting when its lease lapses.
 */
@Injectable()
export class RedisLiveStreamLeases implements LiveStreamLeases, OnApplicationShutdown {
  private readonly logger = new Logger('LiveEvents');
  /** Stream ids held here, by their user's key. */
  private readonly held = new Map<string, Set<string>>();
  private timer?: NodeJS.Timeout;

  constructor(
    @Inject(REDIS_CLIENT) private readonly redis: ManagedRedis,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async acquire(userId: string): Promise<LiveStreamSlot> {
    // Redis away: fail now (the caller answers 503 with Retry-After) rather than wait in ioredis's
    // offline queue until it comes back, holding the request open with nothing to say.
    if (this.redis.status !== 'ready') throw new Error(`Redis is ${this.redis.status}`);
    const key = leasesKey(this.config.queuePrefix, userId);
    const id = randomUUID();
    const limit = this.config.liveEvents.maxStreamsPerUser;
    const waitMs = Number(await ACQUIRE.run(this.redis, [key], [id, limit, LEASE_MS]));
    if (waitMs >= 0) return { limit, retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) };
    const ids = this.held.get(key) ?? new Set<string>();
    this.held.set(key, ids.add(id));
    this.timer ??= setInterval(() => void this.renew(), RENEW_EVERY_MS).unref();
    let released = false;
    return {
      release: async () => {
        if (released) return;
        released = true;
        ids.delete(id);
        if (ids.size === 0 && this.held.get(key) === ids) this.held.delete(key);
        if (this.held.size === 0) this.stopRenewing();
        await this.redis.zrem(key, id).catch(() => undefined); // else it lapses by itself
      },
    };
  }

  onApplicationShutdown(): void {
    this.stopRenewing();
  }

  private async renew(): Promise<void> {
    await Promise.all(
      [...this.held].map(([key, ids]) =>
        RENEW.run(this.redis, [key], [LEASE_MS, ...ids]).catch((error: Error) =>
          this.logger.warn(`live stream leases not renewed: ${error.message}`),
        ),
      ),
    );
  }

  private stopRenewing(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
