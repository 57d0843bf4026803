import { Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { RelocateProviderFilesCommand } from '../../../application/relocation';
import { RetrievalTier } from '../../../domain/storage';
import { HandlesJob, JobContext, declareJob, JobHandler } from '../../jobs/job-handler';
import { QUEUES } from '../../jobs/queues';

export const RELOCATE_PROVIDER_JOB = declareJob(QUEUES.relocation, 'relocate-provider');

export interface ProviderRelocationJobData {
  fromProviderId: string;
  toProviderId: string;
  tier: RetrievalTier;
  requestedBy: string;
}

/** Queues a move for every live file on a provider. */
@Injectable()
@HandlesJob(RELOCATE_PROVIDER_JOB)
export class RelocateProviderJob implements JobHandler<ProviderRelocationJobData> {
  constructor(private readonly commands: CommandBus) {}

  handle(data: ProviderRelocationJobData, context: JobContext): Promise<{ queued: number }> {
    return this.commands.execute(
      new RelocateProviderFilesCommand(data.fromProviderId, data.toProviderId, data.tier, data.requestedBy, {
        signal: context.signal,
      }),
    );
  }
}
