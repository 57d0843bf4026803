import { Command } from '@nestjs/cqrs';

/** Re-schedules checks that are overdue: a poll lost with Redis, or a copy's expiry check that never ran. */
export class SweepRetrievalsCommand extends Command<{ rescheduled: number }> {
  constructor(readonly batchSize = 100) {
    super();
  }
}
