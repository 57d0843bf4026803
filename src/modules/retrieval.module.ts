import { DynamicModule, Module } from '@nestjs/common';
import { RetrievalsController } from '../api/retrieval/retrievals.controller';
import { RETRIEVAL_POLLS, RETRIEVAL_SETTINGS, RetrievalSettings } from '../application/ports';
import { RETRIEVAL_COMMAND_HANDLERS, RETRIEVAL_QUERY_HANDLERS, RETRIEVAL_SERVICES } from '../application/retrieval';
import { RETRIEVAL_EVENTS, RETRIEVAL_REQUEST_REPOSITORY, RetrievalSchedule } from '../domain/retrieval';
import { MikroRetrievalRequestRepository } from '../infrastructure/persistence/mikro-retrieval-request.repository';
import { BullmqRetrievalPolls } from '../infrastructure/retrieval/bullmq-retrieval-polls';
import { RetrievalCheckJob } from '../infrastructure/retrieval/jobs/retrieval-check.job';
import { RetrievalSweepJob } from '../infrastructure/retrieval/jobs/retrieval-sweep.job';
import { featureModule, ModuleOptions } from './feature-module';

/** Bringing archived files back: restore requests, their polling checks and the sweep of lost ones. */
@Module({})
export class RetrievalModule {
  static register(options: ModuleOptions): DynamicModule {
    const { retrieval } = options.config;
    const settings: RetrievalSettings = {
      defaultDays: retrieval.defaultDays,
      schedule: new RetrievalSchedule({ pollMs: retrieval.pollMs, giveUpFactor: retrieval.giveUpFactor }),
      // Late by two sweep periods means lost (a check runs in seconds; checks are claimed, so a
      // sweep that re-schedules a slow one costs a status request at most).
      overdueAfterMs: 2 * retrieval.sweepIntervalMs,
    };
    return featureModule(RetrievalModule, options, {
      providers: [
        { provide: RETRIEVAL_REQUEST_REPOSITORY, useClass: MikroRetrievalRequestRepository },
        { provide: RETRIEVAL_POLLS, useClass: BullmqRetrievalPolls },
        { provide: RETRIEVAL_SETTINGS, useValue: settings },
        ...RETRIEVAL_SERVICES,
        ...RETRIEVAL_COMMAND_HANDLERS,
        ...RETRIEVAL_QUERY_HANDLERS,
      ],
      controllers: [RetrievalsController],
      jobs: [RetrievalCheckJob, RetrievalSweepJob],
      events: RETRIEVAL_EVENTS,
      exports: [RETRIEVAL_REQUEST_REPOSITORY, RETRIEVAL_POLLS, RETRIEVAL_SETTINGS, ...RETRIEVAL_SERVICES],
    });
  }
}
