import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { RETRIEVAL_REQUEST_REPOSITORY, RetrievalRequestRepository } from '../../../domain/retrieval';
import { CLOCK, Clock, RETRIEVAL_POLLS, RETRIEVAL_SETTINGS, RetrievalPolls, RetrievalSettings } from '../../ports';
import { SweepRetrievalsCommand } from './sweep-retrievals.command';

@CommandHandler(SweepRetrievalsCommand)
export class SweepRetrievalsHandler implements ICommandHandler<SweepRetrievalsCommand> {
  constructor(
    @Inject(RETRIEVAL_REQUEST_REPOSITORY) private readonly retrievals: RetrievalRequestRepository,
    @Inject(RETRIEVAL_POLLS) private readonly polls: RetrievalPolls,
    @Inject(RETRIEVAL_SETTINGS) private readonly settings: RetrievalSettings,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ batchSize }: SweepRetrievalsCommand): Promise<{ rescheduled: number }> {
    const now = this.clock.now().getTime();
    const overdue = this.settings.overdueAfterMs;
    const due = await this.retrievals.findDue(new Date(now - overdue), batchSize);
    // A fresh occasion per sweep period: the lost schedule's id may still be held by a failed job.
    for (const request of due) await this.polls.schedule(request.id, 0, `sweep-${Math.floor(now / overdue)}`);
    return { rescheduled: due.length };
  }
}
