import { Inject, Injectable } from '@nestjs/common';
import { STORAGE_PROVIDER_REGISTRY, StorageProviderRegistry } from '../../application/ports';
import { CommandBus } from '@nestjs/cqrs';
import { RelocateFileCommand, RelocateProviderFilesCommand, RelocationOutcome, RelocationRestoreFailedError } from '../../application/relocation';
import { ChecksumMismatchError } from '../../domain/files';
import { HandlesJob, JobContext, JobDeferredError, JobHandler, PermanentJobError } from '../jobs/job-handler';
import { JOBS, QUEUES } from '../jobs/queues';
import { FileRelocationJobData, GivenUpCopiesJobData, ProviderRelocationJobData } from './bullmq-relocation-jobs';

/**
 * One file's move. While an archived source is being restored the job waits in the queue (delayed,
 * no attempt used) and looks again after the restore's next check. A source whose bytes no longer
 * match the file's SHA-256, or whose restore failed, ends the move for good; anything else (a
 * provider outage) is retried with backoff.
 */
@Injectable()
@HandlesJob(QUEUES.relocation, JOBS.relocateFile)
export class RelocateFileJob implements JobHandler<FileRelocationJobData> {
  constructor(private readonly commands: CommandBus) {}

  async handle(data: FileRelocationJobData, context: JobContext): Promise<RelocationOutcome> {
    let outcome: RelocationOutcome;
    try {
      outcome = await this.commands.execute(
        new RelocateFileCommand(data.fileId, data.toProviderId, data.tier, data.requestedBy, { signal: context.signal, progress: (p) => context.progress(p) }, data.retrievalId),
      );
    } catch (error) {
      if (error instanceof ChecksumMismatchError) throw new PermanentJobError(`the stored bytes no longer match the file's SHA-256; the file was left where it is (${error.message})`);
      if (error instanceof RelocationRestoreFailedError) throw new PermanentJobError(error.message);
      throw error;
    }
    if (outcome.status === 'waiting') throw new JobDeferredError(outcome.retryAt.getTime(), `waiting for retrieval ${outcome.retrievalId}`, { retrievalId: outcome.retrievalId });
    await context.progress(100);
    return outcome;
  }
}

/** The copies a moved file gave up, deleted once the grace after the move is over. Deleting a missing object is no error. */
@Injectable()
@HandlesJob(QUEUES.relocation, JOBS.deleteGivenUpCopies)
export class DeleteGivenUpCopiesJob implements JobHandler<GivenUpCopiesJobData> {
  constructor(@Inject(STORAGE_PROVIDER_REGISTRY) private readonly providers: StorageProviderRegistry) {}

  async handle(data: GivenUpCopiesJobData): Promise<{ deleted: number }> {
    let deleted = 0;
    for (const { providerId, key } of data.copies) {
      // A provider removed from the deployment since: nothing this instance can delete.
      if (!this.providers.has(providerId)) continue;
      await this.providers.get(providerId).delete(key);
      deleted++;
    }
    return { deleted };
  }
}

/** Queues a move for every live file on a provider. */
@Injectable()
@HandlesJob(QUEUES.relocation, JOBS.relocateProvider)
export class RelocateProviderJob implements JobHandler<ProviderRelocationJobData> {
  constructor(private readonly commands: CommandBus) {}

  handle(data: ProviderRelocationJobData, context: JobContext): Promise<{ queued: number }> {
    return this.commands.execute(new RelocateProviderFilesCommand(data.fromProviderId, data.toProviderId, data.tier, data.requestedBy, { signal: context.signal }));
  }
}
