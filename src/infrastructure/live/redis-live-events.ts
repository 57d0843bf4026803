import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import { LiveEvent, LiveEventPublisher } from '../../application/ports';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { RUNTIME, RuntimeSettings } from '../config/runtime';
import { ManagedRedis, REDIS_CLIENT, redisOptionsFromUrl } from '../jobs/redis.client';

const channel = (prefix: string, userId: string) => `${prefix}:live:${userId}`;

/** Publishes a user's live events on their Redis channel; every API instance holding one of their connections hears it. */
@Injectable()
export class RedisLiveEventPublisher implements LiveEventPublisher {
  constructor(
    @Inject(REDIS_CLIENT) private readonly redis: ManagedRedis,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async publish(userId: string, event: LiveEvent): Promise<void> {
    await this.redis.publish(channel(this.config.queuePrefix, userId), JSON.stringify(event));
  }
}

/**
 * The API side: one subscriber connection per instance, subscribed to the channels of the users
 * connected here (counted, so a user's second tab shares the subscription and the last one to
 * leave ends it).
 */
@Injectable()
export class LiveEventHub implements OnApplicationShutdown {
  private readonly logger = new Logger('LiveEvents');
  private subscriber?: Redis;
  private readonly listeners = new Map<string, Set<(event: LiveEvent) => void>>();
  private readonly pending = new Map<string, Promise<void>>();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(RUNTIME) private readonly runtime: RuntimeSettings,
  ) {}

  /** Calls `listener` with each of the user's events until the returned function is called. */
  async subscribe(userId: string, listener: (event: LiveEvent) => void): Promise<() => Promise<void>> {
    const redis = this.connection();
    let set = this.listeners.get(userId);
    if (!set) {
      set = new Set();
      this.listeners.set(userId, set);
      this.pending.set(userId, redis.subscribe(channel(this.config.queuePrefix, userId)).then(() => undefined));
    }
    set.add(listener);
    try {
      await this.pending.get(userId); // also a second connection that came while the first subscribed
    } catch (error) {
      // A failed subscription must not stay behind as if it had worked: the next connection tries again.
      set.delete(listener);
      if (this.listeners.get(userId) === set && set.size === 0) this.listeners.delete(userId);
      this.pending.delete(userId);
      throw error;
    }
    return async () => {
      set!.delete(listener);
      if (set!.size === 0 && this.listeners.get(userId) === set) {
        this.listeners.delete(userId);
        this.pending.delete(userId);
        await redis.unsubscribe(channel(this.config.queuePrefix, userId)).catch(() => undefined);
      }
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.subscriber?.quit().catch(() => undefined);
  }

  private connection(): Redis {
    if (this.subscriber) return this.subscriber;
    const subscriber = new Redis(redisOptionsFromUrl(this.runtime.redisUrl));
    const prefix = `${this.config.queuePrefix}:live:`;
    subscriber.on('message', (name: string, message: string) => {
      const listeners = name.startsWith(prefix) ? this.listeners.get(name.slice(prefix.length)) : undefined;
      if (!listeners) return;
      let event: LiveEvent;
      try {
        event = JSON.parse(message) as LiveEvent;
      } catch {
        return this.logger.warn(`dropped a malformed live event on ${name}`);
      }
      for (const listener of listeners) listener(event);
    });
    subscriber.on('error', (error) => this.logger.warn(`live events subscriber: ${error.message}`));
    this.subscriber = subscriber;
    return subscriber;
  }
}
