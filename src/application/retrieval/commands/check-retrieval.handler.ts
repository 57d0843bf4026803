import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { RETRIEVAL_REQUEST_REPOSITORY, RetrievalRequestRepository } from '../../../domain/retrieval';
import { RetrievalProgress } from '../retrieval-progress';
import { CheckRetrievalCommand } from './check-retrieval.command';

/** The poller's job: one look at one restore (a provider outage is recorded and the next look scheduled). */
@CommandHandler(CheckRetrievalCommand)
export class CheckRetrievalHandler implements ICommandHandler<CheckRetrievalCommand> {
  constructor(
    @Inject(RETRIEVAL_REQUEST_REPOSITORY) private readonly retrievals: RetrievalRequestRepository,
    private readonly progress: RetrievalProgress,
  ) {}

  async execute({
    retrievalId,
  }: CheckRetrievalCommand): Promise<{ status: string; nextCheckInMs: number | null; deferred?: string }> {
    const request = await this.retrievals.findById(retrievalId);
    if (!request) return { status: 'gone', nextCheckInMs: null }; // the file (and its requests) was purged
    return { status: request.status, ...(await this.progress.advance(request)) };
  }
}
