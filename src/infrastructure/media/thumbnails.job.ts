import { Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { GenerateThumbnailsCommand, ThumbnailsOutcome } from '../../application/media';
import { ImageUnreadableError } from '../../domain/media';
import { HandlesJob, JobContext, JobHandler, PermanentJobError } from '../jobs/job-handler';
import { JOBS, QUEUES } from '../jobs/queues';
import { ThumbnailsJobData } from './bullmq-media-jobs';

/** A file's thumbnail and preview; a corrupt image fails for good (retrying cannot mend it), anything else is retried. */
@Injectable()
@HandlesJob(QUEUES.media, JOBS.thumbnails)
export class ThumbnailsJob implements JobHandler<ThumbnailsJobData> {
  constructor(private readonly commands: CommandBus) {}

  async handle(data: ThumbnailsJobData, context: JobContext): Promise<ThumbnailsOutcome> {
    try {
      return await this.commands.execute(new GenerateThumbnailsCommand(data.fileId, { signal: context.signal, progress: (p) => context.progress(p) }));
    } catch (error) {
      if (error instanceof ImageUnreadableError) throw new PermanentJobError(error.message);
      throw error;
    }
  }
}
