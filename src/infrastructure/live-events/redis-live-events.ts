import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import { LiveEvent, LiveEventPublisher } from '../../application/ports';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { RUNTIME, RuntimeSettings } from '../config/runtime';
import { ManagedRedis, REDIS_CLIENT, redisOptionsFromUrl } from '../jobs/redis.client';
import { LiveEventStreams, LiveLogEntry, LiveStream } from '../../application/live-events';
import { LiveEventFeed } from './live-event-feed';
import { appendToLiveLog, liveChannel as channel, LiveLogSettings, readLiveLog } from './redis-live-log';

const liveLogSettings = (config: AppConfig): LiveLogSettings => ({
  prefix: config.queuePrefix,
  maxEntries: config.liveEvents.replayMax,
  ttlSeconds: config.liveEvents.replayTtlSeconds,
});

/**
 * Logs a user's live event in their Redis Stream (for Last-Event-ID replay) and announces it on
 * their channel, in one step; every API instance holding one of their connections hears it.
 */
@Injectable()
export class RedisLiveEventPublisher implements LiveEventPublisher {
  constructor(
    @Inject(REDIS_CLIENT) private readonly redis: ManagedRedis,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async publish(userId: string, event: LiveEvent): Promise<void> {
    await appendToLiveLog(this.redis, liveLogSettings(this.config), userId, event);
  }
}

interface Listener {
  receive: (entry: LiveLogEntry) => void;
  interrupted?: () => void;
}

/**
 * The API side: one subscriber connection per instance, subscribed to the channels of the users
 * connected here (counted, so a user's second tab shares the subscription and the last one to
 * leave ends it).
 */
@Injectable()
export class LiveEventHub implements LiveEventStreams, OnApplicationShutdown {
  private readonly logger = new Logger('LiveEvents');
  private subscriber?: Redis;
  private readonly listeners = new Map<string, Set<Listener>>();
  private readonly pending = new Map<string, Promise<void>>();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(RUNTIME) private readonly runtime: RuntimeSettings,
    @Inject(REDIS_CLIENT) private readonly redis: ManagedRedis,
  ) {}

  /**
   * The user's events after `lastEventId` (replayed from their log), then live ones, with no gap
   * and no duplicate between the two: the subscription is made first and holds live events back
   * while the log is read (see LiveEventFeed). Without `lastEventId`, live events from now on.
   */
  async open(userId: string, lastEventId?: string): Promise<LiveStream> {
    const feed = new LiveEventFeed(lastEventId);
    const unsubscribe = await this.subscribe(
      userId,
      (entry) => feed.receive(entry),
      () => feed.interrupt(),
    );
    try {
      const log = await readLiveLog(this.redis, liveLogSettings(this.config), userId, lastEventId);
      return { start: (send) => feed.start(log, send), close: unsubscribe };
    } catch (error) {
      await unsubscribe();
      throw error;
    }
  }

  /**
   * Calls `receive` with each of the user's events until the returned function is called, and
   * `interrupted` when the subscription dropped (events published until it is back are not heard).
   */
  async subscribe(
    userId: string,
    receive: (entry: LiveLogEntry) => void,
    interrupted?: () => void,
  ): Promise<() => Promise<void>> {
    const redis = this.connection();
    const listener: Listener = { receive, interrupted };
    let set = this.listeners.get(userId);
    if (!set) {
      set = new Set();
      this.listeners.set(userId, set);
      this.pending.set(
        userId,
        redis.subscribe(channel(this.config.queuePrefix, userId)).then(() => undefined),
      );
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
      set.delete(listener);
      if (set.size === 0 && this.listeners.get(userId) === set) {
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
    // No ready check: its INFO, sent after a SUBSCRIBE that went out while the connection was still
    // being set up (two users arriving at once on a fresh instance), is refused in subscriber mode and
    // fails every pending subscription (ioredis 5.8.2+, redis/ioredis#2037).
    const subscriber = new Redis({ ...redisOptionsFromUrl(this.runtime.redisUrl), enableReadyCheck: false });
    const prefix = `${this.config.queuePrefix}:live:`;
    subscriber.on('message', (name: string, message: string) => {
      const listeners = name.startsWith(prefix) ? this.listeners.get(name.slice(prefix.length)) : undefined;
      if (!listeners) return;
      let entry: LiveLogEntry;
      try {
        entry = JSON.parse(message) as LiveLogEntry;
        if (typeof entry.streamId !== 'string' || typeof entry.event?.type !== 'string') throw new Error();
      } catch {
        return this.logger.warn(`dropped a malformed live event on ${name}`);
      }
      for (const listener of listeners) listener.receive(entry);
    });
    // Whatever is published until ioredis has reconnected and resubscribed never reaches this
    // instance: its streams end, and their clients resume from their Last-Event-ID.
    subscriber.on('close', () => {
      for (const set of this.listeners.values()) for (const listener of set) listener.interrupted?.();
    });
    subscriber.on('error', (error) => this.logger.warn(`live events subscriber: ${error.message}`));
    this.subscriber = subscriber;
    return subscriber;
  }
}
