import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { ValidationError } from '../../../domain/shared';
import { StorageProvider } from '../../../domain/storage';
import { assertAdmin } from '../../jobs/job.errors';
import { STORAGE_PROVIDER_REGISTRY, StorageProviderRegistry } from '../../ports';
import { RELOCATION_JOBS, RelocationJobs } from '../ports';
import { RequestProviderRelocationCommand } from './request-provider-relocation.command';
import { tierFor } from './restore-tier';

@CommandHandler(RequestProviderRelocationCommand)
export class RequestProviderRelocationHandler implements ICommandHandler<
  RequestProviderRelocationCommand,
  { jobId: string }
> {
  constructor(
    @Inject(STORAGE_PROVIDER_REGISTRY) private readonly providers: StorageProviderRegistry,
    @Inject(RELOCATION_JOBS) private readonly jobs: RelocationJobs,
  ) {}

  async execute({
    actor,
    fromProviderId,
    toProviderId,
    tier,
  }: RequestProviderRelocationCommand): Promise<{ jobId: string }> {
    assertAdmin(actor);
    const source = this.known(fromProviderId, 'from');
    this.known(toProviderId, 'to');
    if (fromProviderId === toProviderId) {
      throw new ValidationError('Files cannot move to the provider they are on.', {
        code: 'same-provider',
        fieldErrors: [{ field: 'to', message: 'must differ from "from"' }],
      });
    }
    // Archived files on the source need a restore first; files already restored are copied as they are.
    const offered = source.retrieval ? source.capabilities.retrievalTiers : [];
    const chosen = offered.length ? tierFor(offered, tier, fromProviderId) : (tier ?? 'standard');
    return {
      jobId: await this.jobs.enqueueProvider({ fromProviderId, toProviderId, tier: chosen, requestedBy: actor.userId }),
    };
  }

  /** The provider, or a 400 that names the field it came from. */
  private known(id: string, field: 'from' | 'to'): StorageProvider {
    if (this.providers.has(id)) return this.providers.get(id);
    throw new ValidationError(`There is no storage provider "${id}".`, {
      code: 'unknown-storage-provider',
      fieldErrors: [{ field, message: 'unknown provider' }],
    });
  }
}
