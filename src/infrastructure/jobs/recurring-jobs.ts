import { getQueueToken } from '@nestjs/bullmq';
import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { Queue, RepeatOptions } from 'bullmq';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { JOBS, QUEUES, QueueName } from './queues';

export interface RecurringJob {
  /** Scheduler id: upserted by id, so restarts and extra workers never add a second schedule. */
  id: string;
  queue: QueueName;
  /** `every:<ms>` or a cron expression. */
  schedule: string;
}

/** The one registry of recurring jobs, with their schedules from configuration. */
export function recurringJobs(config: AppConfig): RecurringJob[] {
  return [
    { id: JOBS.outboxRelay, queue: QUEUES.maintenance, schedule: `every:${config.outboxRelayIntervalMs}` },
    { id: JOBS.uploadSweep, queue: QUEUES.maintenance, schedule: `every:${config.uploads.sweepIntervalMs}` },
    { id: JOBS.retrievalSweep, queue: QUEUES.maintenance, schedule: `every:${config.retrieval.sweepIntervalMs}` },
    { id: JOBS.purgeDeletedFiles, queue: QUEUES.maintenance, schedule: config.jobs.schedules[JOBS.purgeDeletedFiles] },
    { id: JOBS.quotaRecount, queue: QUEUES.maintenance, schedule: config.jobs.schedules[JOBS.quotaRecount] },
    { id: JOBS.pruneWebhookDeliveries, queue: QUEUES.maintenance, schedule: config.jobs.schedules[JOBS.pruneWebhookDeliveries] },
  ];
}

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
    this.logger.log(`recurring jobs scheduled: ${recurringJobs(this.config).map((j) => `${j.id} (${j.schedule})`).join(', ')}`);
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
      await this.queue(job.queue).upsertJobScheduler(job.id, repeatOf(job.schedule), { name: job.id, opts: { removeOnComplete: 100, removeOnFail: 100 } });
    }
  }

  private queue(name: QueueName): Queue {
    return this.moduleRef.get<Queue>(getQueueToken(name), { strict: false });
  }
}
