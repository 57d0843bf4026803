import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import { Queue } from 'bullmq';
import { RetrievalPolls } from '../../application/ports';
import { JOBS, QUEUES } from '../jobs/queues';

export interface RetrievalCheckData {
  retrievalId: string;
}

/**
 * Retrieval checks as delayed BullMQ jobs. The job id is the retrieval and the occasion, so a check
 * scheduled twice (a request and a poll racing, a restart) runs once. A failing check (provider
 * unreachable) is retried with exponential backoff and jitter; the sweep catches what is left.
 */
@Injectable()
export class BullmqRetrievalPolls implements RetrievalPolls {
  constructor(@InjectQueue(QUEUES.retrieval) private readonly queue: Queue<RetrievalCheckData>) {}

  async schedule(retrievalId: string, delayMs: number, occasion: string): Promise<void> {
    await this.queue.add(
      JOBS.retrievalCheck,
      { retrievalId },
      {
        jobId: `${retrievalId}-${occasion}`, // BullMQ refuses ":" in custom ids
        delay: delayMs,
        attempts: 6,
        backoff: { type: 'exponential', delay: 5_000, jitter: 0.5 },
        removeOnComplete: { count: 1_000 },
        removeOnFail: { count: 1_000 },
      },
    );
  }
}
