import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { FILE_REPOSITORY, FileRepository } from '../../../domain/files';
import { RELOCATION_JOBS, RelocationJobs } from '../ports';
import { RelocateProviderFilesCommand } from './relocate-provider-files.command';

/**
 * Queues one move per live file on a provider, page by page in id order. Running it again queues
 * nothing twice (a file's job id is its id and the copy it moves from), moves that failed run
 * again, and files uploaded there meanwhile are found by the next run.
 */
@CommandHandler(RelocateProviderFilesCommand)
export class RelocateProviderFilesHandler implements ICommandHandler<RelocateProviderFilesCommand, { queued: number }> {
  constructor(
    @Inject(FILE_REPOSITORY) private readonly files: FileRepository,
    @Inject(RELOCATION_JOBS) private readonly jobs: RelocationJobs,
  ) {}

  async execute({
    fromProviderId,
    toProviderId,
    tier,
    requestedBy,
    run,
  }: RelocateProviderFilesCommand): Promise<{ queued: number }> {
    const batchSize = run.batchSize ?? 500;
    let queued = 0;
    for (let after: string | null = null; ;) {
      run.signal?.throwIfAborted();
      const page = await this.files.findLiveOnProvider(fromProviderId, after, batchSize);
      for (const file of page) {
        await this.jobs.enqueueFile(
          { fileId: file.id, ownerId: file.ownerId, toProviderId, tier, requestedBy },
          file.primaryLocation(),
        );
        queued++;
      }
      if (page.length < batchSize) return { queued };
      after = page[page.length - 1].id;
    }
  }
}
