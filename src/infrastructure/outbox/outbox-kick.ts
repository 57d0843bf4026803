import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { Queue } from 'bullmq';
import { JOBS, QUEUES } from '../jobs/queues';
import { OutboxNotifier } from './outbox.notifier';

// Commits within this window share one relay run (and so one domain-events job).
const COALESCE_MS = 50;

/**
 * After a commit, asks for a relay run now instead of at the next tick. Kicks within a few
 * milliseconds are coalesced and deduplicated in Redis; a lost kick only delays, never loses.
 */
@Injectable()
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
          .add(JOBS.outboxRelay, {}, { deduplication: { id: 'outbox-relay-kick' }, removeOnComplete: true, removeOnFail: true })
          .catch((e: Error) => this.logger.warn(`Could not kick the outbox relay: ${e.message}`));
      }, COALESCE_MS);
    });
  }
}
