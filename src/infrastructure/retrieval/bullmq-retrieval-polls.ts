import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import { Queue } from 'bullmq';
import { RetrievalPolls } from '../../application/ports';
import { EnqueuesJobs } from '../jobs/job-handler';
import { QUEUES } from '../jobs/queues';
import { RETRIEVAL_CHECK_JOB, RetrievalCheckData } from './jobs/retrieval-check.job';

/**
 * Retrieval checks as delayed BullMQ jobs. The job id is the retrieval and the occasion, so the same
 * occasion scheduled twice (a request and a poll racing, a restart) runs once. One attempt per job:
 * a check that fails has already recorded itself and scheduled the next (the tier's schedule, which
 * grows, is the retry policy), and a check lost entirely is caught by the sweep.
 */
@Injectable()
@EnqueuesJobs(RETRIEVAL_CHECK_JOB)
export class BullmqRetrievalPolls implements RetrievalPolls {
  constructor(@InjectQueue(QUEUES.retrieval) private readonly queue: Queue<RetrievalCheckData>) {}

  async schedule(retrievalId: string, delayMs: number, occasion: string): Promise<void> {
    await this.queue.add(
      RETRIEVAL_CHECK_JOB.name,
      { retrievalId },
      {
        jobId: `${retrievalId}-${occasion}`, // BullMQ refuses ":" in custom ids
        delay: delayMs,
        attempts: 1,
        removeOnComplete: { count: 1_000 },
        removeOnFail: { count: 1_000 },
      },
    );
  }
}
