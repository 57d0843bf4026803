import { Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { RelocateFileCommand, RelocationJobData, RelocationOutcome } from '../../../application/relocation';
import { RelocationRestoreFailedError } from '../../../application/relocation';
import { ChecksumMismatchError } from '../../../domain/files';
import { declareJob, HandlesJob, JobContext, JobHandler } from '../../jobs/job-handler';
import { JobDeferredError, PermanentJobError } from '../../jobs/job-handler';
import { QUEUES } from '../../jobs/queues';

export const RELOCATE_FILE_JOB = declareJob(QUEUES.relocation, 'relocate-file');

export interface FileRelocationJobData extends RelocationJobData {
  /** Set by the job while it waits for a restore, so a failed restore ends the move. */
  retrievalId?: string;
}

/**
 * One file's move. While an archived source is being restored the job waits in the queue (delayed,
 * no attempt used) and looks again after the restore's next check. A source whose bytes no longer
 * match the file's SHA-256, or whose restore failed, ends the move for good; anything else (a
 * provider outage) is retried with backoff.
 */
@Injectable()
@HandlesJob(RELOCATE_FILE_JOB)
export class RelocateFileJob implements JobHandler<FileRelocationJobData> {
  constructor(private readonly commands: CommandBus) {}

  async handle(data: FileRelocationJobData, context: JobContext): Promise<RelocationOutcome> {
    let outcome: RelocationOutcome;
    try {
      outcome = await this.commands.execute(
        new RelocateFileCommand(
          data.fileId,
          data.toProviderId,
          data.tier,
          data.requestedBy,
          { signal: context.signal, progress: (p) => context.progress(p) },
          data.retrievalId,
        ),
      );
    } catch (error) {
      if (error instanceof ChecksumMismatchError)
        throw new PermanentJobError(
          `the stored bytes no longer match the file's SHA-256; the file was left where it is (${error.message})`,
        );
      if (error instanceof RelocationRestoreFailedError) throw new PermanentJobError(error.message);
      throw error;
    }
    if (outcome.status === 'waiting')
      throw new JobDeferredError(outcome.retryAt.getTime(), `waiting for retrieval ${outcome.retrievalId}`, {
        retrievalId: outcome.retrievalId,
      });
    await context.progress(100);
    return outcome;
  }
}
