import { Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { GenerateThumbnailsCommand, ThumbnailsOutcome } from '../../../application/media';
import { ImageUnreadableError } from '../../../domain/media';
import { HandlesJob, JobContext, declareJob, JobHandler, PermanentJobError } from '../../jobs/job-handler';
import { QUEUES } from '../../jobs/queues';

/** Enqueued by BullmqMediaJobs when an image is uploaded. */
export const THUMBNAILS_JOB = declareJob(QUEUES.media, 'thumbnails');

export interface ThumbnailsJobData {
  fileId: string;
  ownerId: string;
}

/**
 * A file's thumbnail and preview; a corrupt image fails for good (retrying cannot mend it), anything else is retried.
 */
@Injectable()
@HandlesJob(THUMBNAILS_JOB)
export class ThumbnailsJob implements JobHandler<ThumbnailsJobData> {
  constructor(private readonly commands: CommandBus) {}

  async handle(data: ThumbnailsJobData, context: JobContext): Promise<ThumbnailsOutcome> {
    try {
      return await this.commands.execute(
        new GenerateThumbnailsCommand(data.fileId, { signal: context.signal, progress: (p) => context.progress(p) }),
      );
    } catch (error) {
      if (error instanceof ImageUnreadableError) throw new PermanentJobError(error.message);
      throw error;
    }
  }
}
