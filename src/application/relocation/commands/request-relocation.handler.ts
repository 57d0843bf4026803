import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import {
  File,
  FILE_REPOSITORY,
  FileNotFoundError,
  FileRepository,
  RelocationInProgressError,
  UploadStatus,
} from '../../../domain/files';
import { ValidationError } from '../../../domain/shared';
import { loadAccessibleFile } from '../../files/file-access';
import { STORAGE_PROVIDER_REGISTRY, StorageProviderRegistry } from '../../ports';
import { RELOCATION_JOBS, RelocationJobs } from '../ports';
import { RelocationRequested, RequestRelocationCommand } from './request-relocation.command';
import { tierFor } from './restore-tier';

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
    assertFits(file, target.capabilities.maxObjectSize, toProviderId);

    const source = this.providers.get(from);
    const archived = file.status === UploadStatus.Archived;
    const retrievalTier = archived
      ? tierFor(source.retrieval ? source.capabilities.retrievalTiers : [], tier, from)
      : null;
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

function assertFits(file: File, maxObjectSize: number | null, providerId: string): void {
  const size = file.size.bytes;
  if (maxObjectSize !== null && size > maxObjectSize) {
    throw new ValidationError(
      `Provider ${providerId} holds objects of at most ${maxObjectSize} bytes; this file has ${size}.`,
      {
        code: 'provider-cannot-hold-file',
        fieldErrors: [{ field: 'provider', message: `holds at most ${maxObjectSize} bytes` }],
      },
    );
  }
}
