import { Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { CheckRetrievalCommand } from '../../../application/retrieval';
import { HandlesJob, declareJob, JobHandler } from '../../jobs/job-handler';
import { QUEUES } from '../../jobs/queues';

export const RETRIEVAL_CHECK_JOB = declareJob(QUEUES.retrieval, 'retrieval-check');

export interface RetrievalCheckData {
  retrievalId: string;
}

/** Asks the provider how a restore is doing (scheduled by BullmqRetrievalPolls). */
@Injectable()
@HandlesJob(RETRIEVAL_CHECK_JOB)
export class RetrievalCheckJob implements JobHandler<RetrievalCheckData> {
  constructor(private readonly commands: CommandBus) {}
  handle(data: RetrievalCheckData): Promise<unknown> {
    return this.commands.execute(new CheckRetrievalCommand(data.retrievalId));
  }
}
