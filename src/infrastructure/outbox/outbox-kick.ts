import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { Queue } from 'bullmq';
import { EnqueuesJobs } from '../jobs/job-handler';
import { QUEUES } from '../jobs/queues';
import { OUTBOX_RELAY_JOB } from './jobs/outbox-relay.job';
import { OutboxNotifier } from './outbox.notifier';

// Commits within this window share one relay run (and so one domain-events job).
const COALESCE_MS = 50;
const REMOVE_WHEN_DONE = { removeOnComplete: true, removeOnFail: true };

/**
 * After a commit, asks for a relay run now instead of at the next tick. Kicks within a few
 * milliseconds are coalesced and deduplicated in Redis; a lost kick only delays, never loses.
 */
@Injectable()
@EnqueuesJobs(OUTBOX_RELAY_JOB)
export class OutboxKick implements OnModuleInit {
  private readonly logger = new Logger(OutboxKick.name);
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly notifier: OutboxNotifier,
    @InjectQueue(QUEUES.maintenance) private readonly queue: Queue,
  ) {}

  onModuleInit(): void {
    this.notifier.onNotify(() => {
      this.timer ??= setTimeout(() => {
        this.timer = undefined;
        this.queue
          .add(OUTBOX_RELAY_JOB.name, {}, { deduplication: { id: 'outbox-relay-kick' }, ...REMOVE_WHEN_DONE })
          .catch((e: Error) => this.logger.warn(`Could not kick the outbox relay: ${e.message}`));
      }, COALESCE_MS);
    });
  }
}
