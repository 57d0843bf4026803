import { OnApplicationShutdown } from '@nestjs/common';
import Redis, { type RedisOptions } from 'ioredis';

export const REDIS_CLIENT = Symbol('RedisClient');

/** ioredis options from a redis:// or rediss:// URL, as BullMQ wants them. */
export function redisOptionsFromUrl(url: string): RedisOptions {
  const u = new URL(url);
  return {
    host: u.hostname,
    port: Number(u.port || 6379),
    username: u.username ? decodeURIComponent(u.username) : undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
    db: u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0,
    tls: u.protocol === 'rediss:' ? {} : undefined,
    // BullMQ workers block on Redis: they must not give up on a request during a Redis restart.
    maxRetriesPerRequest: null,
  };
}

/** The app's own Redis connection (health checks, later pub/sub), closed with the app. */
export class ManagedRedis extends Redis implements OnApplicationShutdown {
  async onApplicationShutdown(): Promise<void> {
    await this.quit().catch(() => this.disconnect());
  }
}
