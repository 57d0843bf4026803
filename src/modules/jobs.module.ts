import { DynamicModule, Module } from '@nestjs/common';
import { JobsAdminController, JobsController } from '../api/jobs/jobs.controller';
import { JobAdministration } from '../application/jobs';
import { JOB_INSPECTOR } from '../application/ports';
import { BullJobInspector } from '../infrastructure/jobs/bull-job-inspector';
import { DeadLetters } from '../infrastructure/jobs/dead-letters';
import { NoopJob } from '../infrastructure/jobs/diagnostics/noop.job';
import { SleepJob } from '../infrastructure/jobs/diagnostics/sleep.job';
import { JobRunner } from '../infrastructure/jobs/job-runner';
import { RecurringJobs } from '../infrastructure/jobs/recurring-jobs';
import { featureModule, ModuleOptions } from './feature-module';

/**
 * Background jobs: the runner that finds every feature's job handlers (@HandlesJob) and the
 * recurring schedule (workers only), and the job status and administration API.
 */
@Module({})
export class JobsModule {
  static register(options: ModuleOptions): DynamicModule {
    return featureModule(JobsModule, options, {
      providers: [DeadLetters, { provide: JOB_INSPECTOR, useClass: BullJobInspector }, JobAdministration],
      controllers: [JobsController, JobsAdminController],
      jobs: [NoopJob, SleepJob],
      workerProviders: [JobRunner, RecurringJobs],
      exports: [JOB_INSPECTOR, DeadLetters],
    });
  }
}
