import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import { Queue } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { QueuedRelocation, RelocationJobData, RelocationJobs } from '../../application/relocations';
import { RetrievalTier } from '../../domain/storage';
import { JOBS, QUEUES } from '../jobs/queues';

export interface ProviderRelocationJobData {
  fromProviderId: string;
  toProviderId: string;
  tier: RetrievalTier;
  requestedBy: string;
}

export interface FileRelocationJobData extends RelocationJobData {
  /** Set by the job while it waits for a restore, so a failed restore ends the move. */
  retrievalId?: string;
}

/** BullMQ refuses ':' in custom ids; the status API knows the job as `redundancy.<id>`. */
export const relocationJobId = (fileId: string, version: number) => `relocate-${fileId}-v${version}`;

/**
 * Moves run on the redundancy queue (copies between providers; long timeout, few at once). One job
 * per file and version: a double click finds the queued job, and the file's next move (after this
 * one bumped its version) gets a job of its own.
 */
@Injectable()
export class BullmqRelocationJobs implements RelocationJobs {
  constructor(@InjectQueue(QUEUES.redundancy) private readonly queue: Queue) {}

  async enqueueFile(data: RelocationJobData, fileVersion: number): Promise<QueuedRelocation> {
    const jobId = relocationJobId(data.fileId, fileVersion);
    await this.queue.add(JOBS.relocateFile, data satisfies FileRelocationJobData, { jobId });
    // An id already taken keeps its job (add answers with this call's data, not the stored one's).
    const queued = ((await this.queue.getJob(jobId))?.data ?? data) as RelocationJobData;
    return { jobId: `${QUEUES.redundancy}.${jobId}`, toProviderId: queued.toProviderId };
  }

  async enqueueProvider(data: ProviderRelocationJobData): Promise<string> {
    const jobId = `relocate-provider-${randomUUID()}`;
    await this.queue.add(JOBS.relocateProvider, data, { jobId });
    return `${QUEUES.redundancy}.${jobId}`;
  }
}
