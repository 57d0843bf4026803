import { Inject, Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { PurgeDeletedFilesCommand } from '../../../application/files';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import { HandlesJob, JobContext, declareJob, JobHandler } from '../../jobs/job-handler';
import { QUEUES } from '../../jobs/queues';

/** Recurring: removes soft-deleted files (row and bytes) past their retention. */
export const PURGE_DELETED_FILES_JOB = declareJob(QUEUES.maintenance, 'purge-deleted-files');

@Injectable()
@HandlesJob(PURGE_DELETED_FILES_JOB)
export class PurgeDeletedFilesJob implements JobHandler {
  constructor(
    private readonly commands: CommandBus,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}
  handle(_data: unknown, context: JobContext): Promise<unknown> {
    const retentionMs = this.config.jobs.deletedRetentionDays * 86_400_000;
    return this.commands.execute(new PurgeDeletedFilesCommand(retentionMs, 200, context.signal));
  }
}
