import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import { Queue } from 'bullmq';
import { MediaJobs } from '../../application/media';
import { EnqueuesJobs } from '../jobs/job-handler';
import { QUEUES } from '../jobs/queues';
import { THUMBNAILS_JOB, ThumbnailsJobData } from './jobs/thumbnails.job';

/** Media jobs on the media queue; one thumbnails job per file (its id is the file's), whatever asks twice. */
@Injectable()
@EnqueuesJobs(THUMBNAILS_JOB)
export class BullmqMediaJobs implements MediaJobs {
  constructor(@InjectQueue(QUEUES.media) private readonly queue: Queue<ThumbnailsJobData>) {}

  async enqueueThumbnails(fileId: string, ownerId: string): Promise<void> {
    // Kept after it ends (the queue's removeOnComplete/removeOnFail), so a redelivery within that time is a no-op.
    await this.queue.add(THUMBNAILS_JOB.name, { fileId, ownerId }, { jobId: thumbnailsJobId(fileId) });
  }
}

/** BullMQ refuses ':' in custom ids; the status API knows the job as `media.thumbnails-<file id>`. */
export const thumbnailsJobId = (fileId: string) => `thumbnails-${fileId}`;
