import { getQueueToken } from '@nestjs/bullmq';
import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { Queue, RepeatOptions } from 'bullmq';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { PURGE_DELETED_FILES_JOB } from '../files/jobs/purge-deleted-files.job';
import { QUOTA_RECOUNT_JOB } from '../files/jobs/quota-recount.job';
import { OUTBOX_RELAY_JOB } from '../outbox/jobs/outbox-relay.job';
import { RETRIEVAL_SWEEP_JOB } from '../retrieval/jobs/retrieval-sweep.job';
import { UPLOAD_SWEEP_JOB } from '../uploads/jobs/upload-sweep.job';
import { PRUNE_WEBHOOK_DELIVERIES_JOB } from '../webhooks/jobs/prune-webhook-deliveries.job';
import { JobDeclaration } from './job-handler';
import { QUEUES, QueueName } from './queues';

export interface RecurringJob {
  /** Scheduler id: upserted by id, so restarts and extra workers never add a second schedule. */
  id: string;
  queue: QueueName;
  /** `every:<ms>` or a cron expression. */
  schedule: string;
}

/** The one registry of recurring jobs, with their schedules from configuration. */
export function recurringJobs(config: AppConfig): RecurringJob[] {
  const every = (job: JobDeclaration, ms: number) => recurring(job, `every:${ms}`);
  const configured = (job: JobDeclaration) => recurring(job, config.jobs.schedules[job.name]);
  return [
    every(OUTBOX_RELAY_JOB, config.outboxRelayIntervalMs),
    every(UPLOAD_SWEEP_JOB, config.uploads.sweepIntervalMs),
    every(RETRIEVAL_SWEEP_JOB, config.retrieval.sweepIntervalMs),
    configured(PURGE_DELETED_FILES_JOB),
    configured(QUOTA_RECOUNT_JOB),
    configured(PRUNE_WEBHOOK_DELIVERIES_JOB),
  ];
}

/** A scheduler's id is its job's name: the job it adds is named so, and so found by its handler. */
const recurring = ({ queue, name }: JobDeclaration, schedule: string): RecurringJob => ({ id: name, queue, schedule });

export function repeatOf(schedule: string): RepeatOptions {
  const every = /^every:(\d+)$/.exec(schedule);
  return every ? { every: Number(every[1]) } : { pattern: schedule, tz: 'UTC' };
}

@Injectable()
export class RecurringJobs implements OnApplicationBootstrap {
  private readonly logger = new Logger('RecurringJobs');

  constructor(
    private readonly moduleRef: ModuleRef,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.scheduleAll();
    this.logger.log(
      `recurring jobs scheduled: ${recurringJobs(this.config)
        .map((j) => `${j.id} (${j.schedule})`)
        .join(', ')}`,
    );
    // A Redis restarted without its data has forgotten the schedules: upsert them again (by id, so
    // idempotent) whenever the connection comes back.
    const client = await this.queue(QUEUES.maintenance).client;
    let first = true;
    client.on('ready', () => {
      if (first) return void (first = false);
      this.scheduleAll().catch((e: Error) => this.logger.warn(`re-scheduling recurring jobs: ${e.message}`));
    });
    if (client.status === 'ready') first = false;
  }

  private async scheduleAll(): Promise<void> {
    for (const job of recurringJobs(this.config)) {
      await this.queue(job.queue).upsertJobScheduler(job.id, repeatOf(job.schedule), {
        name: job.id,
        opts: { removeOnComplete: 100, removeOnFail: 100 },
      });
    }
  }

  private queue(name: QueueName): Queue {
    return this.moduleRef.get<Queue>(getQueueToken(name), { strict: false });
  }
}
