import { Processor, WorkerHost } from '@nestjs/bullmq';
import { CommandBus } from '@nestjs/cqrs';
import { Job } from 'bullmq';
import { CheckRetrievalCommand } from '../../application/retrievals';
import { QUEUES } from '../jobs/queues';
import { RetrievalCheckData } from './bullmq-retrieval-polls';

/** Polls restores: each job is one look at one retrieval request (see RetrievalProgress). */
@Processor(QUEUES.retrieval, { concurrency: 8 })
export class RetrievalProcessor extends WorkerHost {
  constructor(private readonly commands: CommandBus) {
    super();
  }

  async process(job: Job<RetrievalCheckData>): Promise<unknown> {
    return this.commands.execute(new CheckRetrievalCommand(job.data.retrievalId));
  }
}
