import { Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { SweepRetrievalsCommand } from '../../../application/retrieval';
import { HandlesJob, declareJob, JobHandler } from '../../jobs/job-handler';
import { QUEUES } from '../../jobs/queues';

/** Recurring: re-schedules checks that were lost and expires restored copies past their time. */
export const RETRIEVAL_SWEEP_JOB = declareJob(QUEUES.maintenance, 'retrieval-sweep');

@Injectable()
@HandlesJob(RETRIEVAL_SWEEP_JOB)
export class RetrievalSweepJob implements JobHandler {
  constructor(private readonly commands: CommandBus) {}
  handle(): Promise<unknown> {
    return this.commands.execute(new SweepRetrievalsCommand());
  }
}
