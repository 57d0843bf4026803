import { Command } from '@nestjs/cqrs';
import { RetrievalTier } from '../../../domain/storage';
import { Actor } from '../../../domain/auth/role';
import { RetrievalView } from '../retrieval-view';

export interface RetrievalOutcome {
  retrieval: RetrievalView;
  /** An active request for the file existed already: this one joined it. */
  shared: boolean;
}

/** Asks for an archived file to be restored (or joins the restore already under way). */
export class RequestRetrievalCommand extends Command<RetrievalOutcome> {
  constructor(
    readonly actor: Actor,
    readonly fileId: string,
    readonly tier: RetrievalTier,
    /** Days the restored copy stays readable; the deployment's default when undefined. */
    readonly days?: number,
  ) {
    super();
  }
}

/** One poll of a restore: start it if it never started, ask the provider, move the request on. */
export class CheckRetrievalCommand extends Command<{ status: string; nextCheckInMs: number | null; deferred?: string }> {
  constructor(readonly retrievalId: string) {
    super();
  }
}

/** Re-schedules checks that are overdue: a poll lost with Redis, or a copy's expiry check that never ran. */
export class SweepRetrievalsCommand extends Command<{ rescheduled: number }> {
  constructor(readonly batchSize = 100) {
    super();
  }
}
