import { Command } from '@nestjs/cqrs';
import { RetrievalTier } from '../../../domain/storage';

/** Queues a move for every live file on a provider, page by page. */
export class RelocateProviderFilesCommand extends Command<{ queued: number }> {
  constructor(
    readonly fromProviderId: string,
    readonly toProviderId: string,
    readonly tier: RetrievalTier,
    readonly requestedBy: string,
    readonly run: { signal?: AbortSignal; batchSize?: number } = {},
  ) {
    super();
  }
}
