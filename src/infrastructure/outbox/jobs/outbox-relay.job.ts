import { Injectable } from '@nestjs/common';
import { HandlesJob, JobContext, declareJob, JobHandler } from '../../jobs/job-handler';
import { QUEUES } from '../../jobs/queues';
import { OutboxRelay } from '../outbox.relay';

/** Recurring, and kicked after each commit (OutboxKick). */
export const OUTBOX_RELAY_JOB = declareJob(QUEUES.maintenance, 'outbox-relay');

@Injectable()
@HandlesJob(OUTBOX_RELAY_JOB)
export class OutboxRelayJob implements JobHandler {
  constructor(private readonly relay: OutboxRelay) {}
  async handle(_data: unknown, context: JobContext): Promise<{ relayed: number }> {
    return { relayed: await this.relay.drain(context.signal) };
  }
}
