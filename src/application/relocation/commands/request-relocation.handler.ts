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
import { InvalidRetrievalTierError } from '../../../domain/retrieval';
import { ValidationError } from '../../../domain/shared';
import { RetrievalTier, StorageProvider } from '../../../domain/storage';
import { STORAGE_PROVIDER_REGISTRY, StorageProviderRegistry } from '../../ports';
import { loadAccessibleFile } from '../../files/file-access';
import { assertAdmin } from '../../jobs/job.errors';
import { RELOCATION_JOBS, RelocationJobs } from '../ports';
import { RelocationRequested, RequestProviderRelocationCommand, RequestRelocationCommand } from './relocation.commands';

/** The tier a restore for a move uses when none is asked for: the provider's standard one, else its first. */
function tierFor(offered: readonly RetrievalTier[], asked: RetrievalTier | undefined, providerId: string): RetrievalTier {
  if (asked && !offered.includes(asked)) throw new InvalidRetrievalTierError(asked, offered, providerId);
  return asked ?? (offered.includes('standard') ? 'standard' : offered[0]);
}

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
    const retrievalTier = archived ? tierFor(source.retrieval ? source.capabilities.retrievalTiers : [], tier, from) : null;
    const queued = await this.jobs.enqueueFile(
      { fileId: file.id, ownerId: file.ownerId, toProviderId, tier: retrievalTier ?? 'standard', requestedBy: actor.userId },
      file.primaryLocation(),
    );
    if (queued.toProviderId !== toProviderId) throw new RelocationInProgressError(file.id, queued.toProviderId, queued.jobId);
    return { jobId: queued.jobId, fileId: file.id, fromProviderId: from, toProviderId, retrievalTier };
  }
}

@CommandHandler(RequestProviderRelocationCommand)
export class RequestProviderRelocationHandler implements ICommandHandler<RequestProviderRelocationCommand, { jobId: string }> {
  constructor(
    @Inject(STORAGE_PROVIDER_REGISTRY) private readonly providers: StorageProviderRegistry,
    @Inject(RELOCATION_JOBS) private readonly jobs: RelocationJobs,
  ) {}

  async execute({ actor, fromProviderId, toProviderId, tier }: RequestProviderRelocationCommand): Promise<{ jobId: string }> {
    assertAdmin(actor);
    const source = this.known(fromProviderId, 'from');
    this.known(toProviderId, 'to');
    if (fromProviderId === toProviderId) {
      throw new ValidationError('Files cannot move to the provider they are on.', { code: 'same-provider', fieldErrors: [{ field: 'to', message: 'must differ from "from"' }] });
    }
    // Archived files on the source need a restore first; files already restored are copied as they are.
    const offered = source.retrieval ? source.capabilities.retrievalTiers : [];
    const chosen = offered.length ? tierFor(offered, tier, fromProviderId) : (tier ?? 'standard');
    return { jobId: await this.jobs.enqueueProvider({ fromProviderId, toProviderId, tier: chosen, requestedBy: actor.userId }) };
  }

  /** The provider, or a 400 that names the field it came from. */
  private known(id: string, field: 'from' | 'to'): StorageProvider {
    if (this.providers.has(id)) return this.providers.get(id);
    throw new ValidationError(`There is no storage provider "${id}".`, { code: 'unknown-storage-provider', fieldErrors: [{ field, message: 'unknown provider' }] });
  }
}

function assertFits(file: File, maxObjectSize: number | null, providerId: string): void {
  const size = file.size.bytes;
  if (maxObjectSize !== null && size > maxObjectSize) {
    throw new ValidationError(`Provider ${providerId} holds objects of at most ${maxObjectSize} bytes; this file has ${size}.`, {
      code: 'provider-cannot-hold-file',
      fieldErrors: [{ field: 'provider', message: `holds at most ${maxObjectSize} bytes` }],
    });
  }
}
