import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import { Job, Queue } from 'bullmq';
import { DEAD_LETTER_QUEUE } from './queues';

export interface DeadLetterData {
  queue: string;
  name: string;
  jobId: string;
  data: unknown;
  opts: { priority?: number };
  failedReason: string;
  stacktrace: string[];
  attemptsMade: number;
  failedAt: number;
}

/**
 * Jobs that failed their last attempt, kept as jobs of their own in a queue no worker reads, so
 * they survive restarts and can be listed, retried on their queue, or discarded. One letter per
 * failed job (the letter's id is the job's ref), however often the failure is reported.
 */
@Injectable()
export class DeadLetters {
  constructor(@InjectQueue(DEAD_LETTER_QUEUE) readonly queue: Queue<DeadLetterData>) {}

  async add(queue: string, job: Job, error: Error): Promise<void> {
    const letter: DeadLetterData = {
      queue,
      name: job.name,
      jobId: String(job.id),
      data: job.data,
      opts: { priority: job.opts.priority },
      failedReason: error.message,
      stacktrace: (job.stacktrace ?? []).slice(-3),
      attemptsMade: job.attemptsMade,
      failedAt: Date.now(),
    };
    // Ids may not hold ':'; a ref is `<queue>.<id>`.
    await this.queue.add(job.name, letter, { jobId: `${queue}.${job.id}`, removeOnComplete: true, removeOnFail: true });
  }
}
