import { Inject, Injectable } from '@nestjs/common';
import { STORAGE_PROVIDER_REGISTRY, StorageProviderRegistry } from '../../../application/ports';
import { HandlesJob, declareJob, JobHandler } from '../../jobs/job-handler';
import { QUEUES } from '../../jobs/queues';

export const DELETE_GIVEN_UP_COPIES_JOB = declareJob(QUEUES.relocation, 'delete-given-up-copies');

/** No ownerId: the job is the service's, out of the owner's sight (see RelocationJobs.deleteGivenUpCopies). */
export interface GivenUpCopiesJobData {
  copies: { providerId: string; key: string }[];
}

/**
 * The copies a moved file gave up, deleted once the grace after the move is over. Deleting a missing object is no
 * error.
 */
@Injectable()
@HandlesJob(DELETE_GIVEN_UP_COPIES_JOB)
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
