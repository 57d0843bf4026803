import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { FILE_REPOSITORY, FileNotFoundError, FileRepository, RelocationInProgressError } from '../../../domain/files';
import { loadAccessibleFile } from '../../files/file-access';
import { STORAGE_PROVIDER_REGISTRY, StorageProviderRegistry } from '../../ports';
import { RELOCATION_JOBS, RelocationJobs } from '../ports';
import { assertTargetHolds, sourceRestoreTier } from './relocation-target';
import { RelocationRequested, RequestRelocationCommand } from './request-relocation.command';

/**
 * Checks that the move can be made (the file is the actor's and live, the target exists, holds
 * files this large and is not where the file is already) and queues it. Asked twice, the same job
 * answers; asked for another target while one move is queued, 409.
 */
@CommandHandler(RequestRelocationCommand)
export class RequestRelocationHandler implements ICommandHandler<RequestRelocationCommand, RelocationRequested> {
  constructor(
    @Inject(FILE_REPOSITORY) private readonly files: FileRepository,
    @Inject(STORAGE_PROVIDER_REGISTRY) private readonly providers: StorageProviderRegistry,
    @Inject(RELOCATION_JOBS) private readonly jobs: RelocationJobs,
  ) {}

  async execute({ actor, fileId, toProviderId, tier }: RequestRelocationCommand): Promise<RelocationRequested> {
    const file = await loadAccessibleFile(this.files, actor, fileId);
    if (file.isDeleted) throw new FileNotFoundError(fileId);
    const target = this.providers.get(toProviderId); // UnknownStorageProviderError: 400
    file.assertCanMoveTo(toProviderId);
    const from = file.primaryLocation().providerId;
    assertTargetHolds(file, target);
    const retrievalTier = sourceRestoreTier(file, this.providers.get(from), tier);
    const queued = await this.jobs.enqueueFile(
      {
        fileId: file.id,
        ownerId: file.ownerId,
        toProviderId,
        tier: retrievalTier ?? 'standard',
        requestedBy: actor.userId,
      },
      file.primaryLocation(),
    );
    if (queued.toProviderId !== toProviderId)
      throw new RelocationInProgressError(file.id, queued.toProviderId, queued.jobId);
    return { jobId: queued.jobId, fileId: file.id, fromProviderId: from, toProviderId, retrievalTier };
  }
}
