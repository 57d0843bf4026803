import { DynamicModule, Module } from '@nestjs/common';
import { EventsController } from '../api/live-events/events.controller';
import { LIVE_EVENT_STREAMS, LIVE_STREAM_LEASES, LiveEventsSubscriber } from '../application/live-events';
import { LIVE_EVENT_PUBLISHER } from '../application/ports';
import { LiveEventHub, RedisLiveEventPublisher } from '../infrastructure/live-events/redis-live-events';
import { RedisLiveStreamLeases } from '../infrastructure/live-events/redis-live-stream-leases';
import { featureModule, ModuleOptions } from './feature-module';

/** A user's events as they happen (SSE): published by a subscriber job, streamed by the API instances. */
@Module({})
export class LiveEventsModule {
  static register(options: ModuleOptions): DynamicModule {
    return featureModule(LiveEventsModule, options, {
      providers: [{ provide: LIVE_EVENT_PUBLISHER, useClass: RedisLiveEventPublisher }],
      controllers: [EventsController],
      apiProviders: [
        LiveEventHub,
        RedisLiveStreamLeases,
        { provide: LIVE_EVENT_STREAMS, useExisting: LiveEventHub },
        { provide: LIVE_STREAM_LEASES, useExisting: RedisLiveStreamLeases },
      ],
      subscribers: [LiveEventsSubscriber],
    });
  }
}
