import { InjectQueue, Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { Job, Queue } from 'bullmq';
import { SweepRetrievalsCommand } from '../../application/retrievals';
import { SweepUploadsCommand } from '../../application/uploads';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { JOBS, QUEUES } from '../jobs/queues';
import { OutboxRelay } from './outbox.relay';

/** Recurring housekeeping. Schedulers are upserted by id, so restarts and extra workers add none. */
@Processor(QUEUES.maintenance, { concurrency: 1 })
export class MaintenanceProcessor extends WorkerHost implements OnApplicationBootstrap {
  private readonly logger = new Logger(MaintenanceProcessor.name);

  constructor(
    private readonly relay: OutboxRelay,
    private readonly commands: CommandBus,
    @InjectQueue(QUEUES.maintenance) private readonly queue: Queue,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    super();
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.queue.upsertJobScheduler(
      JOBS.outboxRelay,
      { every: this.config.outboxRelayIntervalMs },
      { name: JOBS.outboxRelay, opts: { removeOnComplete: true, removeOnFail: 100 } },
    );
    await this.queue.upsertJobScheduler(
      JOBS.uploadSweep,
      { every: this.config.uploads.sweepIntervalMs },
      { name: JOBS.uploadSweep, opts: { removeOnComplete: 100, removeOnFail: 100 } },
    );
    await this.queue.upsertJobScheduler(
      JOBS.retrievalSweep,
      { every: this.config.retrieval.sweepIntervalMs },
      { name: JOBS.retrievalSweep, opts: { removeOnComplete: 100, removeOnFail: 100 } },
    );
  }

  async process(job: Job): Promise<unknown> {
    switch (job.name) {
      case JOBS.outboxRelay:
        return { relayed: await this.relay.drain() };
      case JOBS.uploadSweep:
        return this.commands.execute(new SweepUploadsCommand());
      case JOBS.retrievalSweep:
        return this.commands.execute(new SweepRetrievalsCommand());
      default:
        this.logger.warn(`No handler for maintenance job "${job.name}"`);
        throw new Error(`Unknown maintenance job ${job.name}`);
    }
  }
}
