import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, DiscoveryModule } from '@nestjs/core';
import { LoggerModule } from 'nestjs-pino';
import { HTTP_SETTINGS, HttpSettings } from '../api/http-settings';
import { ProblemFilter } from '../api/problem/problem.filter';
import { CLOCK, ID_GENERATOR } from '../application/ports';
import { APP_CONFIG } from '../infrastructure/config/app-config';
import { RUNTIME } from '../infrastructure/config/runtime';
import { ManagedRedis, REDIS_CLIENT, redisOptionsFromUrl } from '../infrastructure/jobs/redis.client';
import { loggingParams } from '../infrastructure/observability/logging';
import { Metrics } from '../infrastructure/observability/metrics';
import { SystemClock, UuidV7Generator } from '../infrastructure/system/system-clock';
import { featureModule, ModuleOptions } from './feature-module';

/**
 * What every feature stands on: configuration (and the public URL), clock and ids, logging, metrics
 * and the one shared Redis client (the CQRS buses come from AppModule). Errors become problem+json
 * here, for every controller.
 */
@Module({})
export class PlatformModule {
  static register(options: ModuleOptions): DynamicModule {
    const { config, runtime } = options;
    const shared = [APP_CONFIG, RUNTIME, CLOCK, ID_GENERATOR, REDIS_CLIENT, Metrics, HTTP_SETTINGS];
    return featureModule(PlatformModule, options, {
      imports: [LoggerModule.forRoot(loggingParams(config)), DiscoveryModule],
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: RUNTIME, useValue: runtime },
        { provide: CLOCK, useClass: SystemClock },
        { provide: ID_GENERATOR, useClass: UuidV7Generator },
        { provide: REDIS_CLIENT, useFactory: () => new ManagedRedis(redisOptionsFromUrl(runtime.redisUrl)) },
        { provide: Metrics, useValue: new Metrics() },
        { provide: HTTP_SETTINGS, useValue: { publicUrl: config.publicUrl } satisfies HttpSettings },
      ],
      apiProviders: [{ provide: APP_FILTER, useClass: ProblemFilter }],
      exports: [...shared, DiscoveryModule],
    });
  }
}
