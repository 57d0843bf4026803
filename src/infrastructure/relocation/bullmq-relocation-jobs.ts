import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import { Queue } from 'bullmq';
import { createHash, randomUUID } from 'node:crypto';
import { QueuedRelocation, RelocationJobData, RelocationJobs } from '../../application/relocation';
import { StorageLocation } from '../../domain/files';
import { EnqueuesJobs } from '../jobs/job-handler';
import { QUEUES } from '../jobs/queues';
import { DELETE_GIVEN_UP_COPIES_JOB, GivenUpCopiesJobData } from './jobs/delete-given-up-copies.job';
import { FileRelocationJobData, RELOCATE_FILE_JOB } from './jobs/relocate-file.job';
import { ProviderRelocationJobData, RELOCATE_PROVIDER_JOB } from './jobs/relocate-provider.job';

/**
 * The move of a file off one copy of its bytes: the copy (provider and key, hashed: keys are long
 * and BullMQ refuses ':' in custom ids) and not the file's version, which edits bump too. The
 * status API knows the job as `relocation.<id>`.
 */
export const relocationJobId = (fileId: string, from: StorageLocation) =>
  `relocate-${fileId}-${createHash('sha256').update(`${from.providerId}\n${from.key}`).digest('hex').slice(0, 16)}`;

/**
 * Moves run on the relocation queue (copies between providers; long timeout, few at once). One job
 * per file and source copy: a double click (or one after an edit) finds the queued or running job,
 * the file's next move (from the copy this one made) gets a job of its own, and one asked for after
 * a move that ended without moving the file (failed, cancelled) runs anew under the same id.
 */
@Injectable()
@EnqueuesJobs(RELOCATE_FILE_JOB, RELOCATE_PROVIDER_JOB, DELETE_GIVEN_UP_COPIES_JOB)
export class BullmqRelocationJobs implements RelocationJobs {
  constructor(@InjectQueue(QUEUES.relocation) private readonly queue: Queue) {}

  async enqueueFile(data: RelocationJobData, from: StorageLocation): Promise<QueuedRelocation> {
    const jobId = relocationJobId(data.fileId, from);
    // A move that ended (failed, cancelled, found nothing to do) without changing the file is kept
    // for the status API, not as the file's move: asked again, the move runs again. Looked at before
    // adding, so a job this call adds and a worker finishes at once is never taken for an old one.
    const ended = await this.queue.getJob(jobId);
    const endedState = await ended?.getState();
    if (ended && (endedState === 'failed' || endedState === 'completed')) await ended.remove().catch(() => undefined);
    await this.queue.add(RELOCATE_FILE_JOB.name, data satisfies FileRelocationJobData, { jobId });
    // An id already taken keeps its job (add answers with this call's data, not the stored one's).
    const stored = await this.queue.getJob(jobId);
    const queued = (stored?.data ?? data) as RelocationJobData;
    return { jobId: `${QUEUES.relocation}.${jobId}`, toProviderId: queued.toProviderId };
  }

  async deleteGivenUpCopies(
    eventId: string,
    copies: readonly { providerId: string; key: string }[],
    delayMs: number,
  ): Promise<void> {
    const data: GivenUpCopiesJobData = { copies: [...copies] };
    await this.queue.add(DELETE_GIVEN_UP_COPIES_JOB.name, data, { jobId: `delete-copies-${eventId}`, delay: delayMs });
  }

  async enqueueProvider(data: ProviderRelocationJobData): Promise<string> {
    const jobId = `relocate-provider-${randomUUID()}`;
    await this.queue.add(RELOCATE_PROVIDER_JOB.name, data, { jobId });
    return `${QUEUES.relocation}.${jobId}`;
  }
}
