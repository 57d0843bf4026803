import { BullModule } from '@nestjs/bullmq';
import { DynamicModule, Module } from '@nestjs/common';
import { redisOptionsFromUrl } from '../infrastructure/jobs/redis.client';
import { DEAD_LETTER_QUEUE, QUEUE_NAMES } from '../infrastructure/jobs/queues';
import { featureModule, ModuleOptions } from './feature-module';

/** Every BullMQ queue with its retry policy, for any feature to add jobs to (and the workers to take them). */
@Module({})
export class QueuesModule {
  static register(options: ModuleOptions): DynamicModule {
    const { config, runtime } = options;
    const prefix = config.queuePrefix;
    // Exponential backoff, jittered to 50–100 % of each delay; finished jobs kept a while for the status API.
    const queues = BullModule.registerQueue(
      ...QUEUE_NAMES.map((name) => ({
        name,
        defaultJobOptions: {
          attempts: config.jobs.queues[name].attempts,
          backoff: { type: 'exponential', delay: config.jobs.queues[name].backoffMs, jitter: 0.5 },
          removeOnComplete: { age: 86_400, count: 10_000 },
          removeOnFail: { age: 7 * 86_400 },
        },
      })),
      { name: DEAD_LETTER_QUEUE },
    );
    return featureModule(QueuesModule, options, {
      imports: [BullModule.forRoot({ connection: redisOptionsFromUrl(runtime.redisUrl), prefix }), queues],
      exports: [queues],
    });
  }
}
